package planner

import (
	"fmt"
	"time"
)

// month counts calendar months from year 0: year*12 + (month-1), so adding
// and comparing months is integer arithmetic.
type month int

// parseMonth reads "YYYY-MM" exactly: four digits, a hyphen, two digits,
// month 01 to 12.
func parseMonth(s string) (month, error) {
	if len(s) != 7 || s[4] != '-' {
		return 0, fmt.Errorf("%q is not a month in the form YYYY-MM", s)
	}
	digits := func(part string) (int, bool) {
		n := 0
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, false
			}
			n = n*10 + int(r-'0')
		}
		return n, true
	}
	y, okY := digits(s[:4])
	m, okM := digits(s[5:])
	if !okY || !okM {
		return 0, fmt.Errorf("%q is not a month in the form YYYY-MM", s)
	}
	if m < 1 || m > 12 {
		return 0, fmt.Errorf("%q has month %02d, want 01 to 12", s, m)
	}
	return month(y*12 + m - 1), nil
}

// monthOf returns the calendar month t falls in, in t's own location.
func monthOf(t time.Time) month { return month(t.Year()*12 + int(t.Month()) - 1) }

// String formats the month as "YYYY-MM".
func (m month) String() string { return fmt.Sprintf("%04d-%02d", int(m)/12, int(m)%12+1) }
