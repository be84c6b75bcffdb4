package pathway

// node lets the export tests look into the JSON-LD nodes ExportCTDL writes.
type node map[string]any

func (n node) str(key string) string {
	if ids := n.ids(key); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// ids returns the strings or node references ({"@id": ...}) a property holds.
func (n node) ids(key string) []string {
	var out []string
	var add func(any)
	add = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case map[string]any:
			if id, ok := x["@id"].(string); ok {
				out = append(out, id)
			}
		case []any:
			for _, e := range x {
				add(e)
			}
		}
	}
	add(n[key])
	return out
}

// nodes returns the embedded nodes a property holds.
func (n node) nodes(key string) []node {
	var out []node
	switch x := n[key].(type) {
	case map[string]any:
		out = append(out, node(x))
	case []any:
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				out = append(out, node(m))
			}
		}
	}
	return out
}
