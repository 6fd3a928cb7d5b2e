; Imports: @import on the declaration, @source on the imported name.
(import_declaration (_) @source) @import
