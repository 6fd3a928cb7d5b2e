; Definitions: @definition.<kind> on the whole node, @name on its name. Shared by TypeScript and TSX.
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(function_signature name: (identifier) @name) @definition.function
(class_declaration name: (type_identifier) @name) @definition.class
(abstract_class_declaration name: (type_identifier) @name) @definition.class
(interface_declaration name: (type_identifier) @name) @definition.interface
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum
(internal_module name: (_) @name) @definition.module
(method_definition name: (property_identifier) @name) @definition.method
(method_signature name: (property_identifier) @name) @definition.method
(abstract_method_signature name: (property_identifier) @name) @definition.method
(public_field_definition name: (property_identifier) @name) @definition.field
(property_signature name: (property_identifier) @name) @definition.field
; A member named by a string (`readonly "Type": T`, `readonly "~encoded.mutability": M`): named by the string's text.
(property_signature name: (string (string_fragment) @name)) @definition.field
(public_field_definition name: (string (string_fragment) @name)) @definition.field
(enum_body (property_identifier) @name @definition.enumerator)
(enum_body (enum_assignment name: (property_identifier) @name) @definition.enumerator)
(program (lexical_declaration (variable_declarator name: (identifier) @name)) @definition.variable)
(program (variable_declaration (variable_declarator name: (identifier) @name)) @definition.variable)
(export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name)) @definition.variable)
(export_statement declaration: (variable_declaration (variable_declarator name: (identifier) @name)) @definition.variable)
(ambient_declaration (variable_declaration (variable_declarator name: (identifier) @name)) @definition.variable)
(ambient_declaration (lexical_declaration (variable_declarator name: (identifier) @name)) @definition.variable)
; Members of an interface declared in a namespace's body: rooted at the namespace, so found however deep the namespace
; itself is (the index stops at a start depth at which `declare namespace A { namespace B { interface C { m` has
; already gone past C's members), without descending into function bodies, whose locals are no definitions to index.
(internal_module (statement_block (interface_declaration (interface_body (property_signature name: [(property_identifier) (string (string_fragment))] @name) @definition.field))))
(internal_module (statement_block (export_statement (interface_declaration (interface_body (property_signature name: [(property_identifier) (string (string_fragment))] @name) @definition.field)))))
(internal_module (statement_block (interface_declaration (interface_body (method_signature name: (property_identifier) @name) @definition.method))))
(internal_module (statement_block (export_statement (interface_declaration (interface_body (method_signature name: (property_identifier) @name) @definition.method)))))
; The declarations of a namespace's body, likewise (`export namespace Retry { export interface Options {` puts Options at
; depth 9 inside a `declare namespace`).
(internal_module (statement_block [(interface_declaration name: (type_identifier) @name) (export_statement declaration: (interface_declaration name: (type_identifier) @name))] @definition.interface))
(internal_module (statement_block [(type_alias_declaration name: (type_identifier) @name) (export_statement declaration: (type_alias_declaration name: (type_identifier) @name))] @definition.type))
(internal_module (statement_block [(class_declaration name: (type_identifier) @name) (export_statement declaration: (class_declaration name: (type_identifier) @name))] @definition.class))
(internal_module (statement_block [(internal_module name: (_) @name) (export_statement declaration: (internal_module name: (_) @name))] @definition.module))
