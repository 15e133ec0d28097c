"""The newsletter admin's screens, one module each: an issue's send page (sending), the lists
overview and a list's settings (lists), a list's subscribers (subscribers), signups by source
(sources) and the national data team's erasure page (erasure)."""
