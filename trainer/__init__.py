"""LoRA fine-tuning, generation and evaluation of a code model on harvested Flutter widgets."""
