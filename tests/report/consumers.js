// consumers.js — reads perftop's exports with the tools' own code, for the
// export suite. Usage: node consumers.js NPM_DIR KIND FILE
//   pprof       gunzip + pprof-format's Profile.decode; prints
//               {"samples": N, "flat": {name: samples as leaf}, "types": [...]}
//   speedscope  validates against speedscope's file-format-schema.json (ajv)
//               and checks frame indices and weights; prints
//               {"valid": true, "profiles": N, "weights": N}
//   json        JSON.parse; for a Chrome trace prints the count of each "ph"
// Exits 1 with the reason on stderr when the file does not decode or is invalid.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const [npmDir, kind, file] = process.argv.slice(2);
const need = (name) => require(path.join(npmDir, 'node_modules', name));
const die = (msg) => {
	process.stderr.write(msg + '\n');
	process.exit(1);
};

function pprof() {
	const { Profile } = need('pprof-format');
	const raw = zlib.gunzipSync(fs.readFileSync(file));
	const p = Profile.decode(raw);
	const str = (i) => p.stringTable.strings[Number(i)];
	const fnName = new Map(p.function.map((f) => [Number(f.id), str(f.name)]));
	const locFn = new Map(p.location.map((l) => [Number(l.id), Number(l.line[0].functionId)]));
	const flat = {};
	let samples = 0;
	for (const s of p.sample) {
		const n = Number(s.value[0]);
		const leaf = fnName.get(locFn.get(Number(s.locationId[0])));
		if (leaf === undefined) die('a sample names an unknown location');
		flat[leaf] = (flat[leaf] || 0) + n;
		samples += n;
	}
	const types = p.sampleType.map((t) => str(t.type) + '/' + str(t.unit));
	console.log(JSON.stringify({ samples, flat, types, period: Number(p.period),
				     mappings: p.mapping.length }));
}

function speedscope() {
	const Ajv = need('ajv');
	const schema = JSON.parse(fs.readFileSync(path.join(npmDir,
		'node_modules/speedscope/dist/release/file-format-schema.json')));
	const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
	const ajv = new Ajv({ strict: false, allErrors: true });
	const validate = ajv.compile(schema);
	if (!validate(doc)) die('schema: ' + ajv.errorsText(validate.errors));
	const nframes = doc.shared.frames.length;
	let weights = 0;
	for (const prof of doc.profiles) {
		if (prof.samples.length !== prof.weights.length) die('samples and weights differ in length');
		for (const st of prof.samples)
			for (const i of st)
				if (!Number.isInteger(i) || i < 0 || i >= nframes) die('frame index out of range: ' + i);
		const sum = prof.weights.reduce((a, b) => a + b, 0);
		if (sum !== prof.endValue - prof.startValue) die('weights do not add up to endValue');
		weights += sum;
	}
	console.log(JSON.stringify({ valid: true, profiles: doc.profiles.length, weights }));
}

function json() {
	const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
	const ph = {};
	for (const e of doc.traceEvents || []) ph[e.ph] = (ph[e.ph] || 0) + 1;
	console.log(JSON.stringify({ ok: true, ph }));
}

try {
	({ pprof, speedscope, json })[kind]();
} catch (e) {
	die(String(e && e.message ? e.message : e));
}
