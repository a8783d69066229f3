package notify

import (
	"errors"

	"golang.org/x/sys/unix"
)

// The receive loop: one goroutine polls the listener and receives, workers
// run the handler and respond. Receiving from one goroutine keeps Stop
// simple: SECCOMP_IOCTL_NOTIF_RECV blocks in the kernel and cannot be woken,
// so it is only called after poll(2) reported a notification queued, and
// poll also watches the stop pipe.

// With one worker the receiving goroutine runs the handler itself: a
// hand-off between goroutines costs a wake-up of another thread, a large
// part of a round trip.
func (s *Supervisor) serve(workers int) {
	if workers == 1 {
		s.loop.Add(1)
		go s.receive(nil)
		return
	}
	work := make(chan *Notification)
	s.loop.Add(1 + workers)
	go s.receive(work)
	for range workers {
		go s.work(work)
	}
}

// receive receives notifications and sends them to work, or answers them
// itself when work is nil.
func (s *Supervisor) receive(work chan<- *Notification) {
	defer s.loop.Done()
	if work != nil {
		defer close(work)
	}
	for s.l.wait(s.stop[0]) {
		n, err := s.l.Recv()
		switch {
		case errors.Is(err, ErrGone):
			s.gone.Add(1)
			continue
		case errors.Is(err, ErrClosed):
			return
		case err != nil:
			s.fail(err)
			return
		}
		s.received.Add(1)
		if work == nil {
			s.answer(n)
		} else {
			work <- n
		}
	}
}

func (s *Supervisor) work(work <-chan *Notification) {
	defer s.loop.Done()
	for n := range work {
		s.answer(n)
	}
}

// answer runs the handler and sends its response.
func (s *Supervisor) answer(n *Notification) {
	err := s.l.Respond(n.ID, s.handler(n))
	switch {
	case errors.Is(err, ErrGone):
		s.gone.Add(1)
	case err != nil && !errors.Is(err, ErrClosed):
		s.fail(err)
	}
}

func (s *Supervisor) fail(err error) {
	s.failed.Add(1)
	s.errMu.Lock()
	defer s.errMu.Unlock()
	if s.firstErr == nil {
		s.firstErr = err
	}
}

// wait polls the listener and stopfd and reports whether a notification is
// queued. It returns false on stop, on hang-up (no task uses the filter any
// more: kernel/seccomp.c seccomp_notify_poll) and after Close. It holds the
// read lock, so Close (which the stop pipe wakes us before) cannot recycle
// the fd under poll.
func (l *Listener) wait(stopfd int) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return false
	}
	fds := []unix.PollFd{{Fd: int32(l.fd), Events: unix.POLLIN}, {Fd: int32(stopfd), Events: unix.POLLIN}}
	for {
		_, err := unix.Poll(fds, -1)
		if err == unix.EINTR {
			continue
		}
		if err != nil || fds[1].Revents != 0 {
			return false
		}
		return fds[0].Revents&unix.POLLIN != 0
	}
}
