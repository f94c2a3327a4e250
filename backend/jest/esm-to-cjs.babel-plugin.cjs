// Lets jest's CommonJS runtime load NestJS 12's ESM-only packages after @babel/plugin-transform-modules-commonjs:
// import.meta becomes its CommonJS equivalent, a dynamic import() a require() (jest's CommonJS runtime has no
// import() without --experimental-vm-modules), and a module-level `const require = createRequire(...)` is renamed
// so that it does not clash with the `require` parameter of jest's module wrapper.
module.exports = function esmToCjs({ types: t, template }) {
  const dynamicImport = template.expression('Promise.resolve().then(() => require(SOURCE))');
  return {
    name: 'esm-to-cjs',
    visitor: {
      CallExpression(path) {
        if (t.isImport(path.node.callee) && path.node.arguments.length === 1) {
          path.replaceWith(dynamicImport({ SOURCE: path.node.arguments[0] }));
        }
      },
      Program(path) {
        if (path.scope.hasOwnBinding('require')) path.scope.rename('require');
      },
      MetaProperty(path) {
        if (path.node.meta.name !== 'import') return;
        const member = path.parentPath;
        if (!member.isMemberExpression() || member.node.computed) return;
        const name = member.node.property.name;
        if (name === 'url') member.replaceWithSourceString("require('node:url').pathToFileURL(__filename).href");
        else if (name === 'dirname') member.replaceWith(t.identifier('__dirname'));
        else if (name === 'filename') member.replaceWith(t.identifier('__filename'));
        else if (name === 'resolve') member.replaceWithSourceString('require.resolve');
      },
    },
  };
};
