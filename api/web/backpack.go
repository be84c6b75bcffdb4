package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/pdpath/pdpath/recommender/profile"
)

// maxBackpackBytes caps an uploaded backpack file.
const maxBackpackBytes = 4 << 20

// backpack reads an uploaded backpack (an Open Badges 2.0 Assertion, an
// Open Badges 3.0 credential or a CLR 2.0 document) and sends the teacher
// back to the form with its badges filled in as earned, so the result is
// again a plain GET link.
func (p *Pages) backpack(w http.ResponseWriter, r *http.Request) error {
	f, _, err := r.FormFile("backpack")
	if err != nil {
		if errors.Is(err, http.ErrMissingFile) {
			return badForm("Choose a backpack file to upload.")
		}
		return badForm("The backpack file could not be read (the limit is %d MiB).", maxBackpackBytes>>20)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return badForm("The backpack file could not be read: %v.", err)
	}
	bp, err := profile.ParseBackpack(data)
	if err != nil {
		return badForm("That file is not a backpack this server reads: %v.", err)
	}
	if len(bp.BadgeIDs) == 0 {
		return badForm("The backpack holds no badges.")
	}
	q, _ := url.ParseQuery(r.PostForm.Get("query"))
	if q == nil {
		q = url.Values{}
	}
	q["earned"] = append(idValues(q["earned"]), bp.BadgeIDs...)
	http.Redirect(w, r, "/?"+q.Encode()+"#earned", http.StatusSeeOther)
	return nil
}
