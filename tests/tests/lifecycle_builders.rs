//! Resources that list or manage long-running operations without a `get` have builders:
//! Spanner's `…Operations.list` and Bigtable's `operations.projects.operations.list`, whose
//! pages hold operations, and the top-level `operations` of Document AI and Text-to-Speech,
//! which cancel and delete them by name.

use google_operations::prelude::*;
use google_operations::{Page, bigtableadmin_v2, documentai_v1, spanner_v1, texttospeech_v1};
use serde_json::json;

#[test]
fn list_only_collections_page_through_their_operations() {
    let list = spanner_v1::ProjectsInstancesDatabaseOperationsList::new(
        "projects/my-project/instances/my-instance",
    )
    .unwrap()
    .filter("metadata.@type:CreateDatabaseMetadata");
    assert_eq!(
        list.url(),
        "https://spanner.googleapis.com/v1/projects/my-project/instances/my-instance/databaseOperations?filter=metadata.%40type%3ACreateDatabaseMetadata"
    );
    // A page as Spanner sends it (identifiers replaced).
    let page: spanner_v1::ListDatabaseOperationsResponse = serde_json::from_value(json!({
        "operations": [
            {"name": "projects/my-project/instances/my-instance/databases/orders/operations/_auto_op_1a2b3c", "done": true,
             "metadata": {"@type": "type.googleapis.com/google.spanner.admin.database.v1.CreateDatabaseMetadata", "database": "projects/my-project/instances/my-instance/databases/orders"}},
            {"name": "projects/my-project/instances/my-instance/databases/orders/operations/_auto_op_4d5e6f"}
        ],
        "nextPageToken": "CAE="
    }))
    .unwrap();
    assert_eq!(page.next_page_token(), Some("CAE="));
    let operations = page.into_items();
    assert_eq!(operations.len(), 2);
    assert!(operations[0].is_done());
    assert!(!operations[1].is_done());

    let bigtable =
        bigtableadmin_v2::OperationsProjectsOperationsList::new("operations/projects/my-project")
            .unwrap();
    assert_eq!(
        bigtable.url(),
        "https://bigtableadmin.googleapis.com/v2/operations/projects/my-project/operations"
    );
    // The parent is checked against its pattern like any other.
    assert!(spanner_v1::ProjectsInstancesDatabaseOperationsList::new("projects/p").is_err());
}

#[test]
fn top_level_operations_cancel_and_delete_by_name() {
    let delete = documentai_v1::OperationsDelete::new("operations/my-operation").unwrap();
    assert_eq!(
        delete.to_http().unwrap().method(),
        google_operations::http::Method::DELETE
    );
    assert_eq!(
        delete.url(),
        "https://documentai.googleapis.com/v1/operations/my-operation"
    );
    let cancel = texttospeech_v1::OperationsCancel::new("operations/my-operation").unwrap();
    assert_eq!(
        cancel.url(),
        "https://texttospeech.googleapis.com/v1/operations/my-operation:cancel"
    );
    assert!(documentai_v1::OperationsDelete::new("operations/../x").is_err());
}
