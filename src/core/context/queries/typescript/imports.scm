; Imports: @import on the statement, @source on the module it names.
(import_statement source: (string) @source) @import
(export_statement source: (string) @source) @import
(import_alias (_) @source) @import
(call_expression function: (identifier) @_require (#eq? @_require "require") arguments: (arguments (string) @source)) @import
