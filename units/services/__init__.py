"""The catalogue's writes: publishing, replacing, retiring and deleting a spec (`specs`)."""
