package recommender

// Weights are the blend's coefficients and the ranker's demotions. Every
// feature lies in [0,1] within one request; see WEIGHTS.md for what each
// measures and how the defaults were chosen.
type Weights struct {
	// Lexical weighs BM25 over goals and gap names, divided by the best
	// candidate's BM25.
	Lexical float64 `json:"lexical"`
	// Semantic weighs the LSA cosine between the profile (goals, gap
	// names and codes) and the credential, divided by the best one's.
	Semantic float64 `json:"semantic"`
	// Competency weighs how well the credential's codes meet the gaps
	// (weighted mean over gaps of the best match strength).
	Competency float64 `json:"competency"`
	// NextStep weighs following what she holds: the next level of a
	// stack she started, a credential whose prerequisites she just met,
	// one often earned with hers.
	NextStep float64 `json:"next_step"`
	// Affinity weighs LSA similarity to the credentials she holds, a weak
	// interest signal when goals are thin.
	Affinity float64 `json:"affinity"`
	// Prior weighs the query-independent prior (entry level, free,
	// connected); mostly a tie-breaker.
	Prior float64 `json:"prior"`
	// MissingPrerequisite multiplies the score of a credential whose
	// prerequisites she has not earned.
	MissingPrerequisite float64 `json:"missing_prerequisite"`
	// Unstated multiplies the score once per filtered preference the
	// credential does not state (no format when she asked for online).
	Unstated float64 `json:"unstated"`
	// FarPrerequisite multiplies the score once more for every further
	// credential she must earn first beyond the one MissingPrerequisite
	// stands for, so an item several steps away ranks below one she can
	// start now or after one named step.
	FarPrerequisite float64 `json:"far_prerequisite"`
	// Crosswalk scales the competency credit of a match found only
	// through the crosswalk (another framework's code for a related
	// practice), so items aligned to her gap itself, or a part of it,
	// come first and crosswalk items do not flood the list.
	Crosswalk float64 `json:"crosswalk"`
	// GoalStandards weighs how well the credential's codes meet the
	// framework codes whose names and descriptions are nearest her goals
	// in the semantic space: a goal in her words ("my students' home
	// languages and cultures") reaches the practice the frameworks name
	// (UDL 2.4, UDL 7.2) and the items aligned to it.
	GoalStandards float64 `json:"goal_standards"`
	// Lexicon weighs the profession's terms the concept lexicon adds for
	// the everyday phrases of her goals ("throws chairs" → de-escalation,
	// behaviour support), relative to her own words (1), in the semantic
	// query and in search.
	Lexicon float64 `json:"lexicon"`
	// NewTeacher is added to the score of an item written for teachers in
	// their first years (induction) when she is in hers.
	NewTeacher float64 `json:"new_teacher"`
	// Veteran multiplies the score of such an item for a veteran.
	Veteran float64 `json:"veteran"`
	// Fit weighs how closely an item is written for the grade bands and
	// subjects she teaches (stated for hers alone, or named in its title),
	// beyond passing her filters.
	Fit float64 `json:"fit"`
	// ColdFit is fit's share of the score, beside the prior, when her
	// profile has no goals, gaps or credentials.
	ColdFit float64 `json:"cold_fit"`
	// Diversity is how much maximal marginal relevance discounts a
	// candidate for resembling an item already picked: its relevance is
	// multiplied by 1 − Diversity·similarity (0 = no diversity).
	Diversity float64 `json:"diversity"`
}

// DefaultWeights are the weights the server and `eval` use; WEIGHTS.md
// explains them.
var DefaultWeights = Weights{
	Lexical:             0.10,
	Semantic:            0.40,
	Competency:          0.20,
	NextStep:            0.30,
	Affinity:            0.02,
	Prior:               0.03,
	MissingPrerequisite: 0.5,
	FarPrerequisite:     0.6,
	Crosswalk:           0.5,
	GoalStandards:       0.1,
	Lexicon:             0.5,
	Unstated:            0.85,
	NewTeacher:          0.1,
	Veteran:             0.3,
	Fit:                 0.1,
	ColdFit:             0.5,
	Diversity:           0.5,
}
