"""What the server's features share: the generation engine and the model it serves, jobs and their
progress, the status notification, the protocol's additions, edits and errors."""
