package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at build time by the Makefile
// (-ldflags "-X main.version=…", from git describe). A binary built
// without it reports the version Go recorded from the module and its VCS
// state.
var version string

// versionLine is what `pdpath --version` prints: the version, then the
// commit and toolchain when the build recorded them.
func versionLine() string {
	v, rev, dirty := version, "", false
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" && info.Main.Version != "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	line := "pdpath " + v
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if dirty {
			rev += "+dirty"
		}
		line += " commit " + rev
	}
	return fmt.Sprintf("%s %s %s/%s", line, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
