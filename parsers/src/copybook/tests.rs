//! End-to-end tests of the copybook parser.
