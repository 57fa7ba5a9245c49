//! Reading articles from files and folders.
