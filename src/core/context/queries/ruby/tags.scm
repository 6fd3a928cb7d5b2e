; Definitions: @definition.<kind> on the whole node, @name on its name.
(method name: (_) @name) @definition.method
(singleton_method name: (_) @name) @definition.method
(class name: [(constant) (scope_resolution)] @name) @definition.class
(module name: [(constant) (scope_resolution)] @name) @definition.module
(assignment left: (constant) @name) @definition.constant
