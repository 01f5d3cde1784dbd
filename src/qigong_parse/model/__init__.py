"""The data model: the output contract (pydantic, `output`) and the stages' intermediate results (`ir`)."""
