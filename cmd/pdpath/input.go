package main

import (
	"fmt"
	"io"
	"os"
)

// maxInputBytes caps a profile, backpack, plan request or judgments file
// read by a command.
const maxInputBytes = 32 << 20

// readInput reads a file, or standard input for "-".
func readInput(e *env, path string) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxInputBytes {
		return nil, fmt.Errorf("%s is over %d bytes", path, maxInputBytes)
	}
	return data, nil
}

// inputName names an input in messages.
func inputName(path string) string {
	if path == "-" {
		return "standard input"
	}
	return path
}
