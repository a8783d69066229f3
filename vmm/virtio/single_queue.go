package virtio

import "fmt"

// SingleQueue is the activation of a device with one queue (virtio-blk's
// and virtio-rng's requestq): the Activate and Reset of a Device, and
// Serve, the notify loop that pops every available chain, has the device
// serve it, returns it to the used ring with the bytes written, and then
// interrupts the driver if the ring asks for it (spec 2.7.13, 2.7.14).
type SingleQueue struct {
	Name string      // the device, for errors ("virtio-blk")
	Act  *Activation // nil until the driver sets DRIVER_OK
}

// Activate keeps the activation; the queue must be ready.
func (s *SingleQueue) Activate(a Activation) error {
	if len(a.Queues) == 0 || !a.Queues[0].Ready {
		return fmt.Errorf("%s: requestq is not ready", s.Name)
	}
	s.Act = &a
	return nil
}

// Reset forgets the activation.
func (s *SingleQueue) Reset() { s.Act = nil }

// Serve answers a notify of queue i: serve gets each available chain and
// returns how many bytes it wrote into the chain's writable buffers.
func (s *SingleQueue) Serve(i int, serve func(*Chain) (uint32, error)) error {
	if s.Act == nil || i != 0 {
		return fmt.Errorf("%s: notify of queue %d on an inactive device or a queue it lacks", s.Name, i)
	}
	q := s.Act.Queues[0]
	for {
		c, ok, err := q.Pop()
		if err != nil {
			return err
		}
		if !ok {
			return SignalUsed(s.Act.IRQ, q)
		}
		n, err := serve(c)
		if err != nil {
			return err
		}
		if err := q.PushUsed(c.Head, n); err != nil {
			return err
		}
	}
}
