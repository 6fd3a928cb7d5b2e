; Imports: @import on the statement, @source on the name or path.
(namespace_use_clause (_) @source) @import
(include_expression (_) @source) @import
(include_once_expression (_) @source) @import
(require_expression (_) @source) @import
(require_once_expression (_) @source) @import
