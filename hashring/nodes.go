package hashring

import (
	"fmt"
	"math"
)

// nodeSet is the membership list every algorithm keeps: names in insertion
// order with their weights, and an index from name to position. names
// repeats list[i].Name in a slice of its own for the Lookups that answer
// with a position: 16 bytes a name instead of the 24 of a Node, and one
// slice header that Lookup can hold in registers.
type nodeSet struct {
	list  []Node
	names []string
	index map[string]int
}

// checkNode validates one node and normalises a zero weight to 1. When
// weighted is false, a weight other than 1 is ErrUnsupported.
func checkNode(n Node, weighted bool) (Node, error) {
	if n.Name == "" {
		return n, fmt.Errorf("%w: empty node name", ErrBadOption)
	}
	if n.Weight == 0 {
		n.Weight = 1
	}
	if n.Weight < 0 || math.IsNaN(n.Weight) || math.IsInf(n.Weight, 0) {
		return n, fmt.Errorf("%w: node %q has weight %v", ErrBadWeight, n.Name, n.Weight)
	}
	if !weighted && n.Weight != 1 {
		return n, fmt.Errorf("%w: node %q has weight %v but this algorithm is unweighted", ErrUnsupported, n.Name, n.Weight)
	}
	return n, nil
}

// newNodeSet validates nodes (see checkNode) and rejects duplicates.
func newNodeSet(nodes []Node, weighted bool) (*nodeSet, error) {
	s := &nodeSet{index: make(map[string]int, len(nodes))}
	for _, n := range nodes {
		if err := s.add(n, weighted); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// add appends a validated node; ErrDuplicate if the name is taken.
func (s *nodeSet) add(n Node, weighted bool) error {
	n, err := checkNode(n, weighted)
	if err != nil {
		return err
	}
	if _, dup := s.index[n.Name]; dup {
		return fmt.Errorf("%w: %q", ErrDuplicate, n.Name)
	}
	s.index[n.Name] = len(s.list)
	s.list = append(s.list, n)
	s.names = append(s.names, n.Name)
	return nil
}

// remove deletes the named node, keeping the order of the rest, and returns
// its former position; ErrUnknownNode if absent.
func (s *nodeSet) remove(name string) (int, error) {
	i, ok := s.index[name]
	if !ok {
		return -1, fmt.Errorf("%w: %q", ErrUnknownNode, name)
	}
	s.list = append(s.list[:i], s.list[i+1:]...)
	s.names = append(s.names[:i], s.names[i+1:]...)
	delete(s.index, name)
	for j := i; j < len(s.list); j++ {
		s.index[s.list[j].Name] = j
	}
	return i, nil
}

// nodes returns a copy of the membership list.
func (s *nodeSet) nodes() []Node { return append([]Node(nil), s.list...) }

// totalWeight sums the weights.
func (s *nodeSet) totalWeight() float64 {
	var t float64
	for _, n := range s.list {
		t += n.Weight
	}
	return t
}
