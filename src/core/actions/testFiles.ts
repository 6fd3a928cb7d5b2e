/**
 * Where the tests for a source file conventionally live, and which framework the workspace uses, per language:
 * JS/TS from package.json (vitest, jest, mocha, node:test), Python (pytest or unittest), Go (_test.go), Rust (a
 * #[cfg(test)] module in the same file), Java (src/test/java, JUnit 4/5), C#, Ruby (RSpec/Minitest), PHP (PHPUnit), C/C++.
 * Pure: the file system is reached through a small probe, so tests use a map.
 */
import * as path from 'path';
import { languageForId, languageForPath } from '../context/languages';

export interface WorkspaceProbe {
  exists(absPath: string): Promise<boolean>;
  /** File text, or undefined when missing/unreadable. */
  read(absPath: string): Promise<string | undefined>;
}

export interface TestPlan {
  framework: string;
  /** Absolute path of the test file (the source file itself for same-file tests). */
  testPath: string;
  /** 'same-file': tests are appended to the source file (Rust). */
  sameFile: boolean;
  /** How the tests reach the code under test, for the prompt (an import line, a package note). */
  importHint: string;
}

function stem(file: string): string {
  const base = path.basename(file);
  const dot = base.indexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

function within(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The nearest `name` from `dir` up to `root` (inclusive). */
async function findUp(probe: WorkspaceProbe, dir: string, root: string, name: string): Promise<string | undefined> {
  for (let d = dir; within(root, d); d = path.dirname(d)) {
    const candidate = path.join(d, name);
    if (await probe.exists(candidate)) return candidate;
    if (d === path.dirname(d)) break;
  }
  return undefined;
}

async function firstExisting(probe: WorkspaceProbe, paths: string[]): Promise<string | undefined> {
  for (const p of paths) if (await probe.exists(p)) return p;
  return undefined;
}

function jsFramework(pkgText: string | undefined): string {
  let pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; scripts?: Record<string, string> } = {};
  try {
    pkg = pkgText ? JSON.parse(pkgText) : {};
  } catch {
    pkg = {};
  }
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  for (const f of ['vitest', 'jest', 'mocha']) if (f in deps) return f;
  return 'node:test';
}

function relImport(fromDir: string, target: string): string {
  let rel = path.relative(fromDir, target).split(path.sep).join('/');
  rel = rel.replace(/\.(m|c)?(t|j)sx?$/, '');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

async function planJs(probe: WorkspaceProbe, source: string, root: string): Promise<TestPlan> {
  const dir = path.dirname(source);
  const ext = path.extname(source);
  const name = stem(source);
  const pkgPath = await findUp(probe, dir, root, 'package.json');
  const pkgRoot = pkgPath ? path.dirname(pkgPath) : root;
  const framework = jsFramework(pkgPath ? await probe.read(pkgPath) : undefined);
  const dirs: string[] = [];
  if (await probe.exists(path.join(dir, '__tests__'))) dirs.push(path.join(dir, '__tests__'));
  const srcRoot = path.join(pkgRoot, 'src');
  for (const t of ['test', 'tests']) {
    const testRoot = path.join(pkgRoot, t);
    if (within(srcRoot, source) && (await probe.exists(testRoot))) dirs.push(path.join(testRoot, path.relative(srcRoot, dir)));
  }
  dirs.push(dir);
  const candidates = dirs.flatMap((d) => [path.join(d, `${name}.test${ext}`), path.join(d, `${name}.spec${ext}`)]);
  const testPath = (await firstExisting(probe, candidates)) ?? candidates[0]!;
  const importHint = `import the code under test from '${relImport(path.dirname(testPath), source)}'`;
  return { framework, testPath, sameFile: false, importHint };
}

async function mentions(probe: WorkspaceProbe, root: string, files: string[], word: RegExp): Promise<boolean> {
  for (const f of files) {
    const text = await probe.read(path.join(root, f));
    if (text && word.test(text)) return true;
  }
  return false;
}

async function planPython(probe: WorkspaceProbe, source: string, root: string): Promise<TestPlan> {
  const pytest =
    (await probe.exists(path.join(root, 'conftest.py'))) ||
    (await probe.exists(path.join(root, 'pytest.ini'))) ||
    (await mentions(probe, root, ['pyproject.toml', 'requirements.txt', 'requirements-dev.txt', 'setup.cfg', 'tox.ini'], /\bpytest\b/));
  const name = stem(source);
  const testDir = (await firstExisting(probe, [path.join(root, 'tests'), path.join(root, 'test')])) ?? path.dirname(source);
  let module = path.relative(root, source).split(path.sep).join('.').replace(/\.pyi?$/, '');
  if (module.startsWith('src.')) module = module.slice(4);
  return { framework: pytest ? 'pytest' : 'unittest', testPath: path.join(testDir, `test_${name}.py`), sameFile: false, importHint: `import from the module \`${module}\`` };
}

async function planJava(probe: WorkspaceProbe, source: string, root: string): Promise<TestPlan> {
  const junit4 = await mentions(probe, root, ['pom.xml', 'build.gradle', 'build.gradle.kts'], /junit:junit|junit4|org\.junit:junit\b/);
  const jupiter = await mentions(probe, root, ['pom.xml', 'build.gradle', 'build.gradle.kts'], /junit-jupiter|org\.junit\.jupiter/);
  const name = stem(source);
  const marker = `${path.sep}src${path.sep}main${path.sep}java${path.sep}`;
  const dir = source.includes(marker) ? path.dirname(source.replace(marker, `${path.sep}src${path.sep}test${path.sep}java${path.sep}`)) : path.dirname(source);
  return { framework: junit4 && !jupiter ? 'JUnit 4' : 'JUnit 5', testPath: path.join(dir, `${name}Test.java`), sameFile: false, importHint: 'put the test class in the same package as the class under test' };
}

/** The conventional test file and framework for `source`; undefined for languages without a convention here. */
export async function planTestFile(probe: WorkspaceProbe, source: string, languageId: string, workspaceRoot: string): Promise<TestPlan | undefined> {
  const lang = languageForId(languageId) ?? languageForPath(languageId) ?? languageForPath(source);
  const root = workspaceRoot || path.dirname(source);
  const dir = path.dirname(source);
  const name = stem(source);
  switch (lang) {
    case 'typescript':
    case 'tsx':
    case 'javascript':
      return planJs(probe, source, root);
    case 'python':
      return planPython(probe, source, root);
    case 'go':
      return { framework: 'go test (package testing)', testPath: path.join(dir, `${name}_test.go`), sameFile: false, importHint: 'use the same package clause as the source file' };
    case 'rust':
      return { framework: 'cargo test', testPath: source, sameFile: true, importHint: 'a #[cfg(test)] mod tests with `use super::*;`' };
    case 'java':
      return planJava(probe, source, root);
    case 'csharp': {
      // The test project's framework is not visible from here without a directory listing; xUnit is the .NET default.
      const testDir = (await firstExisting(probe, [path.join(root, 'tests'), path.join(root, 'test')])) ?? dir;
      return { framework: 'xUnit', testPath: path.join(testDir, `${name}Tests.cs`), sameFile: false, importHint: 'reference the namespace of the class under test' };
    }
    case 'ruby': {
      const rspec = await probe.exists(path.join(root, 'spec'));
      const rel = path.relative(path.join(root, 'lib'), dir);
      const sub = rel.startsWith('..') ? '' : rel;
      return rspec
        ? { framework: 'RSpec', testPath: path.join(root, 'spec', sub, `${name}_spec.rb`), sameFile: false, importHint: `require_relative the source file` }
        : { framework: 'Minitest', testPath: path.join(root, 'test', sub, `${name}_test.rb`), sameFile: false, importHint: 'require_relative the source file' };
    }
    case 'php':
      return { framework: 'PHPUnit', testPath: path.join(root, 'tests', `${name.charAt(0).toUpperCase()}${name.slice(1)}Test.php`), sameFile: false, importHint: 'use the namespace of the class under test (composer autoload)' };
    case 'c':
    case 'cpp': {
      const gtest = lang === 'cpp' && (await mentions(probe, root, ['CMakeLists.txt', 'conanfile.txt', 'vcpkg.json'], /gtest|googletest/i));
      const testDir = (await firstExisting(probe, [path.join(root, 'tests'), path.join(root, 'test')])) ?? dir;
      const ext = lang === 'c' ? '.c' : path.extname(source) === '.h' ? '.cpp' : path.extname(source);
      return { framework: gtest ? 'GoogleTest' : 'assert.h with a main()', testPath: path.join(testDir, `test_${name}${ext}`), sameFile: false, importHint: `#include the header of ${path.basename(source)}` };
    }
    default:
      return undefined;
  }
}
