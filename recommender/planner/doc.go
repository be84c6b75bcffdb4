// Package planner builds pathways: given competency targets, goal
// credentials, what has been earned and the limits of a plan request, it
// chooses the credentials to take, orders them prerequisites first and
// schedules them into months. It is pure computation over a catalog
// snapshot: no I/O.
//
// # Optimisation
//
// Choosing credentials is a weighted set cover with prerequisite
// constraints ("k of these n first") and budgets. The planner reduces the
// catalog to the credentials that matter (coverers of open targets, goal
// credentials and the prerequisites they can be taken with; dominated
// credentials dropped), finds first plans greedily, then runs a branch and
// bound that branches on an unsettled requirement (a target to cover or,
// under a budget, give up; a prerequisite to supply; a prerequisite cycle
// to break). Plans are compared by uncovered target weight, then cost, then
// hours; money is handled in cents and time in hundredths of an hour, so
// ties are exact.
//
// Nodes are bounded by dual-feasible covering bounds (over cost, and over
// cost then hours for ties) and, under a budget, a fractional knapsack on
// the coverable weight. When a first search of a few thousand nodes does
// not settle the request, the LP relaxation of the whole problem, solved
// with gonum's simplex, bounds the root and the search starts again; the
// LP is not solved at every node because gonum's dense simplex costs
// milliseconds per relaxation, more than it saves.
//
// A plan is Optimal only when the search finished. At the deadline (the
// context's or Options.TimeLimit) the best plan found is returned with a
// proven lower bound on its cost.
//
// # Conventions
//
//   - A target is covered by a credential aligned to its code or to one of
//     its descendants (a checkpoint covers its guideline, a component its
//     domain), never by a parent alone. Frameworks and codes a request
//     names must be known to the catalog or bundled with pdpath.
//   - A credential without a stated cost or hours is not free. Its step
//     says cost_stated or hours_stated false; totals add up stated amounts
//     and count the steps that state none. In the search an unstated cost
//     ranks after every stated one (and unstated hours after stated ones),
//     so such a credential is used only where nothing stated covers as
//     much; limits bound stated amounts. Optimal is claimed only for plans
//     whose every step states both.
//   - Earned credentials cost nothing, count as prerequisites and cover
//     what they cover. Retired credentials are never chosen, but an earned
//     retired credential still counts.
//   - Cohorts: steps are planned for one member each. Every member needs
//     the request's targets and goal credentials and their own gaps, holds
//     the request's earned list and their own, and is planned only
//     credentials their own preferences allow (as for suggestions, an
//     unstated field is not ruled out). Coverage is weighted by member;
//     each member pays for and spends time on their own steps, and
//     max_cost_usd/max_hours bound the team's totals. A gap's own weight
//     field is not used.
//   - Scheduling: each member studies hours_per_month; a step starts no
//     earlier than the month after each of its prerequisites ends, so the
//     prerequisite can be awarded first. Time is kept as runs of months,
//     never month by month. Nothing may end after the by month, or after a
//     horizon of HorizonMonths without one: a credential that alone cannot
//     fit is no candidate, the search bounds each member's hours by the
//     time available, and a step a prerequisite chain still pushes too late
//     is left out after scheduling (with Optimal false), its targets
//     reported with the reason.
package planner
