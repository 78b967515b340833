//! (being written)
/// placeholder
pub struct EditedPicture;
