package store

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/synth"
)

// childEnv makes the test binary act as an ingesting child process: the
// value is "INDEXDIR|FEEDFILE".
const childEnv = "PDPATH_STORE_CRASH_CHILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		dir, feed, _ := strings.Cut(spec, "|")
		c, err := Open(context.Background(), dir, Options{})
		if err == nil {
			_, err = c.Ingest(context.Background(), []string{feed})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestKilledIngestLeavesLastGoodCatalog kills a real child process while it
// ingests a large feed, at several moments, and checks each time that the
// catalog is the previous complete one (or the new complete one, if the
// child won the race) and that the next ingest finishes the job.
func TestKilledIngestLeavesLastGoodCatalog(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 6,000-credential feed and kills child processes; skipped in -short mode")
	}
	dir := t.TempDir()
	indexDir := filepath.Join(dir, "index")
	c := openTest(t, indexDir)
	ingest(t, c, Input{Source: "a.csv", Data: []byte(feedA)})

	const n = 6000
	feed := filepath.Join(dir, "big.csv")
	f, err := os.Create(feed)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteCSV(f, synth.Generate(n, 1)); err != nil {
		t.Fatal(err)
	}
	f.Close()

	killedMidway := 0
	for _, delay := range []time.Duration{0, 150 * time.Millisecond, 600 * time.Millisecond, 1500 * time.Millisecond} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+indexDir+"|"+feed)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		// Wait until the child is building the next generation, then kill.
		deadline := time.Now().Add(30 * time.Second)
		for !hasTmp(indexDir) && time.Now().Before(deadline) && len(done) == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(delay)
		building := hasTmp(indexDir)
		cmd.Process.Kill()
		<-done
		if building {
			killedMidway++
		}

		if _, err := c.Refresh(context.Background()); err != nil {
			t.Fatalf("after kill at +%v: refresh: %v", delay, err)
		}
		switch v, got := c.Version(), total(t, c); {
		case v == 1 && got == 3:
		case v == 2 && got == 3+n:
			t.Logf("child finished before the kill at +%v", delay)
		default:
			t.Fatalf("after kill at +%v: version %d with %d credentials; want the last complete catalog", delay, v, got)
		}
		if c.Version() == 2 {
			break
		}
	}
	if killedMidway == 0 {
		t.Fatal("no kill landed while the child was ingesting; the test proved nothing")
	}

	// The next run finishes the job and leaves no partial folder behind.
	rep, err := c.Ingest(context.Background(), []string{feed})
	if err != nil {
		t.Fatal(err)
	}
	if got := total(t, c); got != 3+n || c.Version() != 2 {
		t.Fatalf("after re-run: version %d, %d credentials (report %s)", c.Version(), got, counts(rep))
	}
	if hasTmp(indexDir) {
		t.Error("a partial generation folder survived the re-run")
	}
}

func hasTmp(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, tmpPrefix+"*"))
	return len(m) > 0
}
