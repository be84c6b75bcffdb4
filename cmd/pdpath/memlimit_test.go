package main

import "testing"

func TestParseMemoryLimit(t *testing.T) {
	tests := []struct {
		in      string
		want    memoryLimit
		wantErr bool
	}{
		{in: "", want: memoryLimit{auto: true}},
		{in: "auto", want: memoryLimit{auto: true}},
		{in: "OFF", want: memoryLimit{}},
		{in: "512MiB", want: memoryLimit{bytes: 512 << 20}},
		{in: "2GiB", want: memoryLimit{bytes: 2 << 30}},
		{in: "64 KiB", want: memoryLimit{bytes: 64 << 10}},
		{in: "1000000", want: memoryLimit{bytes: 1000000}},
		{in: "512MB", wantErr: true},
		{in: "-1MiB", wantErr: true},
		{in: "lots", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseMemoryLimit(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseMemoryLimit(%q) error %v, want error %v", tt.in, err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Errorf("parseMemoryLimit(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}
