; Imports: @import on the declaration, @source on the path.
(use_declaration argument: (_) @source) @import
(extern_crate_declaration name: (identifier) @source) @import
