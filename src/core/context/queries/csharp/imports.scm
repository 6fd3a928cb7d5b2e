; Imports: @import on the directive, @source on the namespace.
(using_directive (_) @source) @import
