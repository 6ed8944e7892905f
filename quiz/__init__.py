"""智能组卷: rule-made (or LLM-made) quiz items checked against their cited passages, stored, exported, scored."""
