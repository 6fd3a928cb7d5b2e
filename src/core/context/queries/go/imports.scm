; Imports: @import on the spec, @source on the package path.
(import_spec path: (_) @source) @import
