; Imports: @import on the call, @source on the required path.
(call method: (identifier) @_m (#match? @_m "^(require|require_relative|load)$") arguments: (argument_list (string) @source)) @import
