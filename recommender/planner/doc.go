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
//   - A credential without a stated cost or hours counts as 0 in the
//     optimisation; its step says so with cost_stated or hours_stated
//     false.
//   - Earned credentials cost nothing, count as prerequisites and cover
//     what they cover. Retired credentials are never chosen, but an earned
//     retired credential still counts.
//   - Cohorts: every member's open gaps become targets, weighted by how
//     many members share them; request targets and goal credentials weigh
//     as many members as still lack them. A credential is earned for the
//     shared plan when the request lists it or every member holds it; a
//     member's own credentials close only that member's gaps. A gap's own
//     weight field is not used. Costs and hours are counted once per step.
//   - A step starts no earlier than the month after each of its
//     prerequisites ends, so the prerequisite can be awarded first.
package planner
