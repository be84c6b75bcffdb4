package synth

// topic is one professional-development theme the generator writes about.
// Terms are ranked: the generator draws them with a Zipf distribution, so the
// first terms of a topic are far more frequent than the last, as in real
// catalogs. Codes are the competencies ("FRAMEWORK:CODE") credentials on the
// topic usually align to; codes unknown to the bundled frameworks are dropped
// at load time (and the tests fail if any is).
type topic struct {
	title    string
	terms    []string
	codes    []string
	subjects []string
	tags     []string
}

// topics is ordered by how common the theme is in PD catalogs; the generator
// picks a topic with a Zipf distribution over this order.
var topics = []topic{
	{
		title: "Formative Assessment",
		terms: []string{"formative assessment", "checks for understanding", "exit tickets", "feedback",
			"success criteria", "learning targets", "hinge questions", "student self-assessment",
			"peer feedback", "assessment evidence", "rubrics"},
		codes: []string{"InTASC:6", "FFT:3d", "FFT:1f", "UDL:8.4", "UDL:9.3", "NBPTS:3",
			"ISTE-E:2.7", "DigCompEdu:4.1", "DigCompEdu:4.3"},
		tags: []string{"assessment", "feedback", "formative assessment"},
	},
	{
		title: "Classroom Management",
		terms: []string{"classroom management", "routines and procedures", "transitions",
			"behavior expectations", "positive behavior supports", "classroom climate",
			"restorative practices", "attention signals", "room arrangement"},
		codes: []string{"FFT:2c", "FFT:2d", "FFT:2a", "FFT:2e", "FFT:2", "InTASC:3", "UDL:7.3", "NBPTS:3"},
		tags:  []string{"classroom management", "behavior", "routines"},
	},
	{
		title: "Literacy Across Content Areas",
		terms: []string{"disciplinary literacy", "academic vocabulary", "close reading", "writing to learn",
			"informational text", "text complexity", "annotation", "reading comprehension", "text-dependent questions"},
		codes:    []string{"InTASC:4", "InTASC:5", "UDL:2.1", "UDL:3.2", "NBPTS:2", "FFT:1a"},
		subjects: []string{"ela", "science", "social-studies"},
		tags:     []string{"literacy", "reading", "writing"},
	},
	{
		title: "Culturally Responsive Teaching",
		terms: []string{"culturally responsive teaching", "student identity", "cultural assets",
			"funds of knowledge", "equitable participation", "inclusive curriculum", "high expectations",
			"community connections", "bias awareness"},
		codes: []string{"InTASC:2", "PSEL:3", "FFT:1b", "FFT:2a", "UDL:7.2", "NBPTS:1"},
		tags:  []string{"equity", "culturally responsive", "inclusion"},
	},
	{
		title: "Universal Design for Learning",
		terms: []string{"universal design for learning", "UDL checkpoints", "learner variability",
			"multiple means of engagement", "multiple means of representation",
			"multiple means of action and expression", "flexible options", "accessible materials",
			"barriers to learning", "expert learners"},
		codes: []string{"UDL:7", "UDL:8", "UDL:9", "UDL:1", "UDL:2", "UDL:3", "UDL:4", "UDL:5", "UDL:6",
			"UDL:7.1", "UDL:1.1", "UDL:5.1", "UDL:8.2", "UDL:3.3", "InTASC:2", "DigCompEdu:5.1"},
		subjects: []string{"special-education"},
		tags:     []string{"UDL", "accessibility", "inclusion"},
	},
	{
		title: "Data-Driven Instruction",
		terms: []string{"data-driven instruction", "assessment data", "data cycles", "data teams",
			"item analysis", "progress monitoring", "instructional decisions", "student growth",
			"reteaching plans"},
		codes: []string{"InTASC:6", "ISTE-E:2.7", "DigCompEdu:4.2", "FFT:4b", "PSEL:10", "FFT:4a"},
		tags:  []string{"data", "assessment", "decision making"},
	},
	{
		title: "Discussion Protocols",
		terms: []string{"discussion protocols", "academic discourse", "questioning", "talk moves",
			"accountable talk", "socratic seminar", "turn and talk", "open-ended questions", "wait time"},
		codes: []string{"FFT:3b", "InTASC:8", "InTASC:5", "UDL:8.3", "FFT:3a"},
		tags:  []string{"discussion", "questioning", "discourse"},
	},
	{
		title: "Instructional Coaching",
		terms: []string{"instructional coaching", "coaching cycles", "classroom observation",
			"feedback conversations", "modeling lessons", "goal setting", "peer observation",
			"coaching stances", "teacher growth"},
		codes: []string{"FFT:4d", "FFT:4e", "InTASC:10", "PSEL:6", "PSEL:7", "NBPTS:5", "FFT:4a"},
		tags:  []string{"coaching", "leadership", "observation"},
	},
	{
		title: "Scaffolds for English Learners",
		terms: []string{"English learners", "language scaffolds", "sentence frames", "academic language",
			"multilingual learners", "home language", "visual supports", "language objectives",
			"oral language practice"},
		codes:    []string{"InTASC:2", "UDL:2.4", "UDL:2.1", "UDL:2.5", "FFT:3a", "FFT:1b"},
		subjects: []string{"ela", "world-languages"},
		tags:     []string{"ELL", "multilingual", "language"},
	},
	{
		title: "Project-Based Learning",
		terms: []string{"project-based learning", "driving questions", "authentic projects",
			"public products", "student voice", "inquiry", "critique and revision", "real-world problems",
			"community partners"},
		codes: []string{"InTASC:5", "FFT:3c", "UDL:7.2", "ISTE-E:2.5", "DigCompEdu:5.3", "InTASC:8"},
		tags:  []string{"PBL", "inquiry", "projects"},
	},
	{
		title: "Social-Emotional Learning",
		terms: []string{"social-emotional learning", "self-awareness", "relationship skills",
			"responsible decision making", "emotional regulation", "classroom community", "student wellbeing",
			"self-management", "social awareness"},
		codes: []string{"InTASC:3", "FFT:2a", "UDL:9.2", "UDL:9.1", "PSEL:5", "FFT:2b", "UDL:9"},
		tags:  []string{"SEL", "wellbeing", "relationships"},
	},
	{
		title: "Multi-Tiered Systems of Support",
		terms: []string{"MTSS", "tiered interventions", "universal screening", "progress monitoring",
			"intervention plans", "response to intervention", "problem-solving teams", "decision rules"},
		codes:    []string{"InTASC:2", "InTASC:6", "UDL:6.4", "PSEL:5", "FFT:4b", "PSEL:4"},
		subjects: []string{"special-education"},
		tags:     []string{"MTSS", "intervention", "RTI"},
	},
	{
		title: "Computational Thinking",
		terms: []string{"computational thinking", "coding", "algorithms", "decomposition",
			"pattern recognition", "debugging", "block-based programming", "abstraction", "unplugged activities"},
		codes:    []string{"ISTE-E:2.6", "DigCompEdu:6.5", "DigCompEdu:6.3", "InTASC:5"},
		subjects: []string{"computer-science", "math", "science"},
		tags:     []string{"computer science", "coding", "STEM"},
	},
	{
		title: "Differentiated Instruction",
		terms: []string{"differentiated instruction", "flexible grouping", "tiered tasks", "choice boards",
			"personalized learning", "learner profiles", "small-group instruction", "readiness levels"},
		codes: []string{"InTASC:2", "InTASC:8", "UDL:7.1", "UDL:8.2", "DigCompEdu:5.2", "ISTE-E:2.5", "FFT:3e"},
		tags:  []string{"differentiation", "personalization", "grouping"},
	},
	{
		title: "Lesson and Unit Design",
		terms: []string{"backward design", "unit planning", "learning outcomes", "coherent lessons",
			"learning progressions", "curriculum mapping", "lesson sequencing", "essential questions"},
		codes: []string{"InTASC:7", "FFT:1c", "FFT:1e", "FFT:1", "UDL:8.1", "FFT:1d", "InTASC:4"},
		tags:  []string{"planning", "curriculum", "instructional design"},
	},
	{
		title: "Student Engagement",
		terms: []string{"student engagement", "active learning", "cooperative learning", "student motivation",
			"relevance", "student choice", "productive struggle", "collaborative structures"},
		codes: []string{"FFT:3c", "UDL:7", "UDL:8", "InTASC:3", "DigCompEdu:5.3", "UDL:8.3"},
		tags:  []string{"engagement", "motivation", "active learning"},
	},
	{
		title: "Mathematical Discourse and Problem Solving",
		terms: []string{"mathematical reasoning", "number talks", "problem solving", "multiple representations",
			"productive struggle", "manipulatives", "math tasks", "mathematical argument"},
		codes:    []string{"InTASC:4", "FFT:1a", "FFT:3b", "UDL:2.2", "UDL:5.2", "NBPTS:2"},
		subjects: []string{"math"},
		tags:     []string{"math", "problem solving", "discourse"},
	},
	{
		title: "Reflective Practice and PLCs",
		terms: []string{"professional learning communities", "reflective practice", "collaborative inquiry",
			"lesson study", "action research", "peer collaboration", "evidence of impact"},
		codes: []string{"FFT:4a", "FFT:4d", "FFT:4e", "NBPTS:4", "InTASC:9", "DigCompEdu:1.3",
			"DigCompEdu:1.2", "ISTE-E:2.1", "PSEL:7"},
		tags: []string{"PLC", "reflection", "collaboration"},
	},
	{
		title: "Blended and Digital Learning",
		terms: []string{"blended learning", "digital tools", "learning management systems", "station rotation",
			"online collaboration", "digital resources", "interactive video", "flipped lessons"},
		codes: []string{"ISTE-E:2.6", "ISTE-E:2.5", "DigCompEdu:3.1", "DigCompEdu:2.1", "DigCompEdu:2.2",
			"DigCompEdu:3.3", "DigCompEdu:3"},
		tags: []string{"edtech", "blended learning", "digital"},
	},
	{
		title: "Family and Community Engagement",
		terms: []string{"family engagement", "family communication", "parent conferences", "home visits",
			"community partnerships", "two-way communication", "family workshops"},
		codes: []string{"FFT:4c", "InTASC:10", "PSEL:8", "NBPTS:5", "DigCompEdu:1.1"},
		tags:  []string{"families", "community", "communication"},
	},
	{
		title: "Digital Citizenship",
		terms: []string{"digital citizenship", "media literacy", "online safety", "data privacy",
			"source evaluation", "responsible technology use", "digital footprint", "copyright"},
		codes: []string{"ISTE-E:2.3", "DigCompEdu:6.1", "DigCompEdu:6.4", "DigCompEdu:6.2", "DigCompEdu:2.3"},
		tags:  []string{"digital citizenship", "media literacy", "safety"},
	},
	{
		title: "Inclusive Classrooms and Assistive Technology",
		terms: []string{"inclusive classrooms", "accommodations", "assistive technology", "IEP goals",
			"co-teaching", "accessible formats", "text-to-speech", "alternative responses"},
		codes:    []string{"UDL:4.2", "UDL:4.1", "UDL:1.1", "UDL:1.2", "UDL:1.3", "DigCompEdu:5.1", "InTASC:2", "FFT:1b"},
		subjects: []string{"special-education"},
		tags:     []string{"inclusion", "special education", "accessibility"},
	},
	{
		title: "Science Inquiry",
		terms: []string{"science inquiry", "phenomena", "investigations", "scientific modeling",
			"argument from evidence", "lab safety", "data collection", "engineering design"},
		codes:    []string{"InTASC:4", "InTASC:5", "FFT:3c", "UDL:3.4", "NBPTS:2"},
		subjects: []string{"science"},
		tags:     []string{"science", "inquiry", "STEM"},
	},
	{
		title: "Executive Function Supports",
		terms: []string{"executive function", "goal setting", "planning tools", "organization strategies",
			"self-monitoring", "study strategies", "checklists", "time management"},
		codes: []string{"UDL:6", "UDL:6.1", "UDL:6.2", "UDL:6.3", "UDL:6.4", "DigCompEdu:3.4", "InTASC:1"},
		tags:  []string{"executive function", "self-regulation", "study skills"},
	},
	{
		title: "Instructional Leadership",
		terms: []string{"instructional leadership", "school improvement", "shared vision", "teacher evaluation",
			"school culture", "resource allocation", "improvement cycles", "distributed leadership"},
		codes: []string{"PSEL:1", "PSEL:6", "PSEL:10", "PSEL:9", "PSEL:4", "PSEL:2", "PSEL:7", "ISTE-E:2.2"},
		tags:  []string{"leadership", "school improvement", "administration"},
	},
	{
		title: "Trauma-Informed Practice",
		terms: []string{"trauma-informed practice", "safe environments", "trusting relationships",
			"co-regulation", "de-escalation", "predictable routines", "calm spaces"},
		codes: []string{"FFT:2d", "UDL:7.3", "UDL:9.2", "PSEL:5", "InTASC:3"},
		tags:  []string{"trauma-informed", "wellbeing", "SEL"},
	},
	{
		title: "Early Childhood Development",
		terms: []string{"child development", "play-based learning", "early literacy", "developmental milestones",
			"oral language", "early numeracy", "learning centers"},
		codes:    []string{"InTASC:1", "FFT:1b", "NBPTS:1", "UDL:3.1"},
		subjects: []string{"ela", "math"},
		tags:     []string{"early childhood", "development", "play"},
	},
	{
		title: "Professional Ethics",
		terms: []string{"professional ethics", "student privacy", "mandated reporting", "advocacy for students",
			"professional boundaries", "confidentiality"},
		codes: []string{"FFT:4f", "InTASC:9", "PSEL:2", "ISTE-E:2.3"},
		tags:  []string{"ethics", "professionalism"},
	},
}

// templates are description sentences; %[1]s is a term of the credential's
// topic, %[2]s a second term of it, %[3]s a term of another topic, %[4]s an
// audience and %[5]s an evidence artifact. Ranked like terms (Zipf).
var templates = []string{
	"Participants learn how to use %[1]s to strengthen %[2]s.",
	"This micro-credential focuses on %[1]s and %[2]s in everyday teaching.",
	"Educators plan and teach a lesson that uses %[1]s.",
	"Submit %[5]s showing how %[1]s changed student learning.",
	"Designed for %[4]s who want to build skill with %[1]s.",
	"You will analyze student work to see how %[1]s can support %[2]s.",
	"Earners connect %[1]s with %[3]s across a unit.",
	"The course reviews research on %[1]s and practical classroom routines.",
	"Reflect on the role of %[1]s for students who need extra support.",
	"Collaborate with colleagues to refine %[1]s over several weeks.",
	"Apply %[1]s in your classroom and gather feedback from students.",
	"Strategies include %[1]s, %[2]s and %[3]s.",
	"Coaches model %[1]s and give feedback on your practice.",
	"Learn to adjust %[1]s for multilingual learners and students with disabilities.",
	"The final task asks for %[5]s aligned to %[1]s.",
	"Evidence of %[2]s is reviewed by trained assessors.",
	"Short video cases show %[1]s in real classrooms.",
	"Teams of %[4]s compare approaches to %[1]s and %[3]s.",
}

var audiences = []string{
	"classroom teachers", "new teachers", "middle school teachers", "elementary teachers",
	"high school teachers", "instructional coaches", "special educators", "teacher leaders",
	"school leaders", "paraprofessionals", "early childhood educators", "career changers",
}

var artifacts = []string{
	"a lesson plan", "a video of your teaching", "student work samples", "a written reflection",
	"an action plan", "a coaching log", "an assessment plan", "a unit plan", "a data analysis",
	"a family communication plan", "peer observation notes",
}

var goalTemplates = []string{
	"I want to get better at %[1]s.",
	"Looking for ways to use %[1]s with my students.",
	"Our team is working on %[1]s and %[2]s this year.",
	"My evaluation pointed to %[1]s; I would like practical strategies.",
	"Interested in %[1]s, especially %[2]s.",
	"I need help with %[1]s and %[3]s in my classroom.",
}

var subjects = []string{
	"math", "ela", "science", "social-studies", "arts", "world-languages",
	"computer-science", "special-education", "physical-education", "health",
}

// stackLevels names the three steps of a stack in titles.
var stackLevels = [...]string{"", "I: Foundations", "II: Practice", "III: Leadership"}

var titlePrefixes = []string{"Foundations of", "Practicing", "Advanced", "Leading", "Applying", "Introduction to"}
