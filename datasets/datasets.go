// Package datasets exposes the data files bundled with pdpath to the code that
// needs them at run time. Today that is the competency frameworks under
// frameworks/; the catalog feeds, profiles and judgments in this folder are
// read from disk by the commands and tests that use them.
package datasets

import "embed"

// Frameworks holds the bundled framework CSVs (frameworks/*.csv) and the
// crosswalk between frameworks.
//
//go:embed frameworks
var Frameworks embed.FS
