import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { planTestFile, type WorkspaceProbe } from '../../../src/core/actions/testFiles';

const ROOT = path.resolve('/ws');
const p = (rel: string) => path.join(ROOT, rel);

/** A workspace as a map of files; directories exist when some file lives under them. */
function probe(files: Record<string, string>): WorkspaceProbe {
  const abs = new Map(Object.entries(files).map(([k, v]) => [p(k), v]));
  return {
    async exists(x) {
      if (abs.has(x)) return true;
      for (const k of abs.keys()) if (k.startsWith(x + path.sep)) return true;
      return false;
    },
    async read(x) {
      return abs.get(x);
    },
  };
}

test('typescript: framework from package.json devDependencies; sibling .test file by default', async () => {
  for (const fw of ['vitest', 'jest', 'mocha']) {
    const plan = await planTestFile(probe({ 'package.json': JSON.stringify({ devDependencies: { [fw]: '1.0.0', typescript: '5' } }), 'lib/math.ts': '' }), p('lib/math.ts'), 'typescript', ROOT);
    assert.equal(plan?.framework, fw);
    assert.equal(plan?.testPath, p('lib/math.test.ts'));
    assert.match(plan!.importHint, /'\.\/math'/);
  }
  const none = await planTestFile(probe({ 'package.json': '{"name":"x"}' }), p('a.js'), 'javascript', ROOT);
  assert.equal(none?.framework, 'node:test');
  const broken = await planTestFile(probe({ 'package.json': '{not json' }), p('a.js'), 'javascript', ROOT);
  assert.equal(broken?.framework, 'node:test');
});

test('typescript: src/ mirrored under test/, __tests__ preferred, existing .spec reused, nearest package.json', async () => {
  const mirrored = await planTestFile(probe({ 'package.json': '{}', 'src/util/math.ts': '', 'test/other.test.ts': '' }), p('src/util/math.ts'), 'typescript', ROOT);
  assert.equal(mirrored?.testPath, p('test/util/math.test.ts'));
  assert.match(mirrored!.importHint, /'\.\.\/\.\.\/src\/util\/math'/);
  const jest = await planTestFile(probe({ 'src/__tests__/x.test.tsx': '', 'src/Button.tsx': '' }), p('src/Button.tsx'), 'typescriptreact', ROOT);
  assert.equal(jest?.testPath, p('src/__tests__/Button.test.tsx'));
  const spec = await planTestFile(probe({ 'src/a.ts': '', 'src/a.spec.ts': 'describe()' }), p('src/a.ts'), 'typescript', ROOT);
  assert.equal(spec?.testPath, p('src/a.spec.ts'));
  const mono = await planTestFile(
    probe({ 'package.json': JSON.stringify({ devDependencies: { jest: '29' } }), 'packages/core/package.json': JSON.stringify({ devDependencies: { vitest: '3' } }) }),
    p('packages/core/src/index.ts'),
    'typescript',
    ROOT,
  );
  assert.equal(mono?.framework, 'vitest');
});

test('python: pytest detected from pyproject/conftest, tests/ dir, module import path', async () => {
  const py = await planTestFile(probe({ 'pyproject.toml': '[tool.pytest.ini_options]\n', 'tests/__init__.py': '', 'src/pkg/geo.py': '' }), p('src/pkg/geo.py'), 'python', ROOT);
  assert.equal(py?.framework, 'pytest');
  assert.equal(py?.testPath, p('tests/test_geo.py'));
  assert.match(py!.importHint, /`pkg\.geo`/);
  const conftest = await planTestFile(probe({ 'conftest.py': '' }), p('geo.py'), 'python', ROOT);
  assert.equal(conftest?.framework, 'pytest');
  const plain = await planTestFile(probe({ 'app/geo.py': '' }), p('app/geo.py'), 'python', ROOT);
  assert.equal(plain?.framework, 'unittest');
  assert.equal(plain?.testPath, p('app/test_geo.py'));
});

test('go, rust, java, ruby, php, c++ conventions', async () => {
  const go = await planTestFile(probe({}), p('geo/point.go'), 'go', ROOT);
  assert.equal(go?.testPath, p('geo/point_test.go'));
  const rs = await planTestFile(probe({}), p('src/lib.rs'), 'rust', ROOT);
  assert.equal(rs?.sameFile, true);
  assert.equal(rs?.testPath, p('src/lib.rs'));
  const java = await planTestFile(probe({ 'pom.xml': '<artifactId>junit-jupiter</artifactId>' }), p('src/main/java/com/x/Cart.java'), 'java', ROOT);
  assert.equal(java?.testPath, p('src/test/java/com/x/CartTest.java'));
  assert.equal(java?.framework, 'JUnit 5');
  const java4 = await planTestFile(probe({ 'pom.xml': '<groupId>junit</groupId><artifactId>junit</artifactId> junit:junit' }), p('A.java'), 'java', ROOT);
  assert.equal(java4?.framework, 'JUnit 4');
  const rb = await planTestFile(probe({ 'spec/spec_helper.rb': '' }), p('lib/shop/cart.rb'), 'ruby', ROOT);
  assert.equal(rb?.testPath, p('spec/shop/cart_spec.rb'));
  assert.equal(rb?.framework, 'RSpec');
  const php = await planTestFile(probe({}), p('src/cart.php'), 'php', ROOT);
  assert.equal(php?.testPath, p('tests/CartTest.php'));
  const cpp = await planTestFile(probe({ 'CMakeLists.txt': 'find_package(GTest REQUIRED)', 'tests/main.cpp': '' }), p('src/geo.cpp'), 'cpp', ROOT);
  assert.equal(cpp?.framework, 'GoogleTest');
  assert.equal(cpp?.testPath, p('tests/test_geo.cpp'));
  assert.equal(await planTestFile(probe({}), p('notes.txt'), 'plaintext', ROOT), undefined);
});
