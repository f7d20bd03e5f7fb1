//! Actors on OS threads (under construction).
