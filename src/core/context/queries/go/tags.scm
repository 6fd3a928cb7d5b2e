; Definitions: @definition.<kind> on the whole node, @name on its name.
(function_declaration name: (identifier) @name) @definition.function
(method_declaration name: (field_identifier) @name) @definition.method
(type_spec name: (type_identifier) @name) @definition.type
(source_file (const_declaration (const_spec name: (identifier) @name) @definition.constant))
(source_file (var_declaration (var_spec name: (identifier) @name) @definition.variable))
(method_spec name: (field_identifier) @name) @definition.method
(field_declaration name: (field_identifier) @name) @definition.field
