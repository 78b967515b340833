//! The API description side of the gateway: the OpenAPI document and the `/docs` page
//! that renders it.

pub mod docs;
