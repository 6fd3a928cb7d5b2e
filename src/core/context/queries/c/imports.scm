; Imports: @import on the directive, @source on the header path.
(preproc_include path: (_) @source) @import
