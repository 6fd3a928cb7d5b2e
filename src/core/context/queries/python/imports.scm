; Imports: @import on the statement, @source on the module it names.
(import_statement name: (_) @source) @import
(import_from_statement module_name: (_) @source) @import
(future_import_statement) @import
