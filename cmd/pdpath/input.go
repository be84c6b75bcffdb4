package main

import (
	"bytes"
	"encoding/json"
	"errors"
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

// readJSON reads a JSON document like readInput and, when it is not valid
// JSON, says where: the line and column of the first syntax error. Empty
// input is left to the parser, which says what an empty document means.
func readJSON(e *env, path string) ([]byte, error) {
	data, err := readInput(e, path)
	if err != nil || len(bytes.TrimSpace(data)) == 0 || json.Valid(data) {
		return data, err
	}
	var v any
	err = json.Unmarshal(data, &v)
	var syn *json.SyntaxError
	if !errors.As(err, &syn) {
		return nil, fmt.Errorf("%s: not valid JSON: %v", inputName(path), err)
	}
	line, col := position(data, syn.Offset)
	return nil, fmt.Errorf("%s: line %d, column %d: not valid JSON: %v", inputName(path), line, col, syn)
}

// position turns a byte offset from encoding/json (just past the byte at
// fault) into a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset > 0 {
		offset-- // the byte at fault
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = len([]rune(string(before[bytes.LastIndexByte(before, '\n')+1:]))) + 1
	return line, col
}
