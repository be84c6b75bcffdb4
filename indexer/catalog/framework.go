package catalog

// Framework is a competency framework: InTASC, UDL, a CASE package, ...
// Name is its canonical short name ("InTASC", "UDL"), used in every
// Competency that refers to it.
type Framework struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url,omitempty"`
	Source      string `json:"source,omitempty"`
	// Aliases are other names and URIs feeds use for the framework (a CASE
	// document's identifier and URI, a publisher URL); alignments that name
	// any of them resolve to Name.
	Aliases []string        `json:"aliases,omitempty"`
	Items   []FrameworkItem `json:"items"`
}

// FrameworkItem is one code of a framework: a standard, a domain, a
// guideline or a checkpoint. Parent is the code of the item it refines
// ("7" for UDL checkpoint "7.2"), empty at the top level.
type FrameworkItem struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Parent      string `json:"parent,omitempty"`
}

// Item returns the item with the given code.
func (f *Framework) Item(code string) (FrameworkItem, bool) {
	for _, it := range f.Items {
		if it.Code == code {
			return it, true
		}
	}
	return FrameworkItem{}, false
}
