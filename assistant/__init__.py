"""The conversational assistant for the Guangming AI & software measures."""
