//! Evaluation harnesses for storyline: loaders for the development sets in
//! `../shared/datasets/` (read at run time, never copied into the project), the
//! metrics their README defines, and the reports printed by `storyline eval`.
pub mod cluster;
pub mod extract;
