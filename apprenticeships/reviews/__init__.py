"""Progress reviews: the schedule (every N weeks), the assessor's structured record, the three parties'
signatures, the safeguarding alert; `services` writes, `reads` reads, `views` and `forms` serve the pages."""
