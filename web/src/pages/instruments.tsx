// The organiser's instruments (/instrumen): the regency's questionnaires
// and tests, and a form to build or edit one (title, kind, items with their
// text, type, scale, dimension or competency, and for tests the answer
// key).  Saved with the survey service's CreateInstrument or
// UpdateInstrument (update_mask); a refusal's field violations are shown
// next to their fields in Indonesian, and what was typed stays.
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, get, lastSegment, listAll, TENANT } from '../api';
import { ApiError } from '../errors';
import { formatInteger, formatTimestampDate, toNumber } from '../format';
import { useAction, useAsync } from '../hooks';
import { t } from '../i18n/id';
import { Link, navigate } from '../router';
import { ErrorBox, Loading, Notice, Page, TableWrap } from '../components/ui';
import { slugify } from './cohort';

export interface Choice { code: string; text?: string }
export interface Item {
  code: string; text?: string; type?: string; required?: boolean; scaleMin?: number; scaleMax?: number;
  maxScore?: number; choices?: Choice[]; dimension?: string; competency?: string; maxTextBytes?: number;
  key?: { correctChoices?: string[]; points?: number };
}
export interface Instrument {
  name: string; title?: string; description?: string; kind?: string; items?: Item[]; version?: number;
  anonymous?: boolean; pretest?: string; responseCount?: string; updateTime?: string;
}

export const KINDS = ['REACTION', 'PRETEST', 'POSTTEST', 'FOLLOWUP', 'OBSERVATION', 'INTERVIEW', 'SKM'];
const TYPES = ['LIKERT', 'SCORE', 'YES_NO', 'SINGLE_CHOICE', 'MULTIPLE_CHOICE', 'FREE_TEXT'];
const TEST_TYPES = ['SINGLE_CHOICE', 'MULTIPLE_CHOICE', 'YES_NO', 'FREE_TEXT'];
const DIMENSIONS = ['MATERI', 'INSTRUKTUR', 'FASILITAS', 'PENYELENGGARAAN'];
const isTest = (kind: string) => kind === 'PRETEST' || kind === 'POSTTEST';
const hasChoices = (type: string) => type === 'SINGLE_CHOICE' || type === 'MULTIPLE_CHOICE';

/** One item as the form edits it (numbers as typed, choices with the code
 * they have on the server, if any: a saved code never changes). */
interface ChoiceDraft { code: string; fixed: boolean; text: string }
interface ItemDraft {
  code: string; text: string; type: string; required: boolean; scaleMin: string; scaleMax: string;
  maxScore: string; choices: ChoiceDraft[]; dimension: string; competency: string;
  /** YES_NO: 'ya' or 'tidak'; choice items: the indexes of the right choices (codes may still follow their text). */
  correct: string[]; correctIdx: number[]; points: string;
  maxTextBytes: number;
}

function newItem(kind: string, n: number): ItemDraft {
  const test = isTest(kind);
  return {
    code: `B${n}`, text: '', type: test ? 'SINGLE_CHOICE' : 'LIKERT', required: true,
    scaleMin: '1', scaleMax: kind === 'SKM' ? '4' : '5', maxScore: '10',
    choices: test ? [{ code: '', fixed: false, text: '' }, { code: '', fixed: false, text: '' }] : [],
    dimension: kind === 'REACTION' ? 'MATERI' : '', competency: '', correct: [], correctIdx: [], points: '10', maxTextBytes: 0,
  };
}

function toDraft(it: Item): ItemDraft {
  return {
    code: it.code, text: it.text ?? '', type: it.type ?? 'LIKERT', required: Boolean(it.required),
    scaleMin: String(it.scaleMin ?? 1), scaleMax: String(it.scaleMax ?? 5), maxScore: String(it.maxScore ?? 10),
    choices: (it.choices ?? []).map((c) => ({ code: c.code, fixed: true, text: c.text ?? '' })),
    dimension: it.dimension && it.dimension !== 'DIMENSION_UNSPECIFIED' ? it.dimension : '',
    competency: it.competency ?? '', correct: it.key?.correctChoices ?? [],
    correctIdx: (it.choices ?? []).flatMap((c, i) => (it.key?.correctChoices ?? []).includes(c.code) ? [i] : []),
    points: String(it.key?.points ?? 10),
    maxTextBytes: it.maxTextBytes ?? 0,
  };
}

/** A new choice's code: the slug of its text, unique in the item. */
function choiceCodes(choices: ChoiceDraft[]): string[] {
  const used = new Set(choices.filter((c) => c.fixed).map((c) => c.code));
  return choices.map((c, i) => {
    if (c.fixed) return c.code;
    const base = slugify(c.text).replace(/[^a-z0-9_-]/g, '') || `pilihan-${i + 1}`;
    let code = base;
    for (let k = 2; used.has(code); k++) code = `${base}-${k}`;
    used.add(code);
    return code;
  });
}

/** The item as the API takes it: only the fields its type and the
 * instrument's kind use. */
export function itemOf(d: ItemDraft, kind: string): Item {
  const out: Item = { code: d.code.trim(), text: d.text.trim(), type: d.type, required: d.required };
  if (d.type === 'LIKERT') { out.scaleMin = Number(d.scaleMin); out.scaleMax = Number(d.scaleMax); }
  if (d.type === 'SCORE') out.maxScore = Number(d.maxScore);
  const codes = choiceCodes(d.choices);
  if (hasChoices(d.type)) out.choices = d.choices.map((c, i) => ({ code: codes[i], text: c.text.trim() }));
  if (kind === 'REACTION' && d.dimension) out.dimension = d.dimension;
  if (d.competency.trim()) out.competency = d.competency.trim();
  if (d.type === 'FREE_TEXT' && d.maxTextBytes) out.maxTextBytes = d.maxTextBytes;
  if (isTest(kind) && d.type !== 'FREE_TEXT') {
    const correct = d.type === 'YES_NO' ? d.correct.filter((c) => c === 'ya' || c === 'tidak')
      : d.correctIdx.filter((j) => j < codes.length).map((j) => codes[j]);
    out.key = { correctChoices: correct, points: Number(d.points) };
  }
  return out;
}

/** Field violations by the form's key: "instrument.items[2].scale_max" ->
 * "items.2.scale_max", "instrument.items[0].choices[1].code" ->
 * "items.0.choices", "instrument.title" -> "title". */
export function violationKeys(error: unknown): Set<string> {
  const keys = new Set<string>();
  if (!(error instanceof ApiError)) return keys;
  for (const v of error.fieldViolations) {
    const path = v.field.replace(/^instrument\./, '');
    const m = /^items\[(\d+)\]\.([a-z_]+)/.exec(path);
    if (m) keys.add(`items.${m[1]}.${m[2]}`);
    else keys.add(path.split(/[.[]/)[0]);
  }
  return keys;
}

/** The Indonesian sentence under a refused field. */
function FieldError({ keys, k, id }: { keys: Set<string>; k: string; id: string }) {
  if (!keys.has(k)) return null;
  const field = k.split('.').pop() ?? k;
  return <p className="field-error" id={id}>{t.instruments.violation[field] ?? t.instruments.violationGeneric}</p>;
}

export function InstrumentsPage() {
  const q = useAsync(() => listAll<Instrument>(`/v1/tenants/${TENANT}/instruments`, 'instruments'), []);
  return (
    <Page title={t.instruments.title} wide>
      <p>{t.instruments.intro}</p>
      <p><Link to="/instrumen/baru" className="button-link">{t.instruments.new}</Link></p>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (q.data.length === 0 ? <p>{t.app.none}</p> : (
        <TableWrap label={t.instruments.title}><table data-testid="instruments">
          <caption className="sr-only">{t.instruments.title}</caption>
          <thead><tr>
            <th scope="col">{t.instruments.titleField}</th><th scope="col">{t.instruments.kind}</th>
            <th scope="col" className="num">{t.instruments.items}</th><th scope="col" className="num">{t.instruments.version}</th>
            <th scope="col" className="num">{t.instruments.responses}</th><th scope="col">{t.instruments.updated}</th>
          </tr></thead>
          <tbody>{q.data.map((i) => (
            <tr key={i.name}>
              <th scope="row"><Link to={`/instrumen/${lastSegment(i.name)}`}>{i.title || lastSegment(i.name)}</Link></th>
              <td>{t.instruments.kinds[i.kind ?? ''] ?? '—'}</td>
              <td className="num">{formatInteger((i.items ?? []).length)}</td>
              <td className="num">{formatInteger(i.version ?? 1)}</td>
              <td className="num">{formatInteger(toNumber(i.responseCount))}</td>
              <td>{formatTimestampDate(i.updateTime)}</td>
            </tr>))}
          </tbody>
        </table></TableWrap>
      ))}
    </Page>
  );
}

/** /instrumen/baru and /instrumen/<id>. */
export function InstrumentPage({ id }: { id?: string }) {
  const q = useAsync(async () => {
    const [instrument, all] = await Promise.all([
      id ? get<Instrument>(`/v1/tenants/${TENANT}/instruments/${id}`) : Promise.resolve(undefined),
      listAll<Instrument>(`/v1/tenants/${TENANT}/instruments`, 'instruments'),
    ]);
    return { instrument, pretests: all.filter((i) => i.kind === 'PRETEST') };
  }, [id]);
  const title = id ? t.instruments.edit(q.data?.instrument?.title ?? id) : t.instruments.new;
  return (
    <Page title={title} wide>
      <p><Link to="/instrumen">{t.instruments.back}</Link></p>
      {q.loading && !q.data && <Loading />}
      {q.error != null && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && <InstrumentForm key={q.data.instrument?.name ?? 'baru'} instrument={q.data.instrument}
        pretests={q.data.pretests} />}
    </Page>
  );
}

/** The form keeps what was typed (and shows what the server answered) while
 * it is open; it is not reloaded after a save. */
function InstrumentForm({ instrument, pretests }: { instrument?: Instrument; pretests: Instrument[] }) {
  const editing = Boolean(instrument);
  const [title, setTitle] = useState(instrument?.title ?? '');
  const [instrumentId, setInstrumentId] = useState(instrument ? lastSegment(instrument.name) : '');
  const [idTouched, setIdTouched] = useState(editing);
  const [description, setDescription] = useState(instrument?.description ?? '');
  const [kind, setKind] = useState(instrument?.kind ?? 'REACTION');
  const [anonymous, setAnonymous] = useState(instrument ? Boolean(instrument.anonymous) : true);
  const [pretest, setPretest] = useState(instrument?.pretest ?? '');
  const [items, setItems] = useState<ItemDraft[]>(instrument?.items?.map(toDraft) ?? [newItem('REACTION', 1)]);
  const [saved, setSaved] = useState('');
  const [idError, setIdError] = useState(false);
  const { busy, error, run } = useAction();
  const bad = violationKeys(error);
  const slug = idTouched ? instrumentId : slugify(title);

  const setItem = (i: number, patch: Partial<ItemDraft>) =>
    setItems((list) => list.map((it, j) => (j === i ? { ...it, ...patch } : it)));
  const move = (i: number, by: number) => setItems((list) => {
    const out = [...list];
    const [it] = out.splice(i, 1);
    out.splice(i + by, 0, it);
    return out;
  });
  const changeKind = (k: string) => {
    setKind(k);
    if (k !== 'REACTION') setAnonymous(false);
    if (k === 'REACTION') setAnonymous(true);
    // Items that no longer fit the kind become the kind's default type.
    setItems((list) => list.map((it) => (isTest(k) && !TEST_TYPES.includes(it.type) ? { ...it, type: 'SINGLE_CHOICE',
      choices: it.choices.length ? it.choices : newItem(k, 1).choices } : it)));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved('');
    const okId = /^[a-z0-9][a-z0-9-]{0,62}$/.test(slug);
    setIdError(!editing && !okId);
    if (!editing && !okId) return;
    void run(async () => {
      const body: Record<string, unknown> = {
        title: title.trim(), description: description.trim(), kind, items: items.map((d) => itemOf(d, kind)),
      };
      const mask = ['title', 'description', 'items'];
      if (kind === 'REACTION') { body.anonymous = anonymous; mask.push('anonymous'); }
      if (kind === 'POSTTEST') { body.pretest = pretest; mask.push('pretest'); }
      let out: Instrument;
      if (instrument) {
        out = await api<Instrument>('PATCH', `/v1/${instrument.name}?updateMask=${mask.join(',')}`, { name: instrument.name, ...body });
        setSaved(t.instruments.saved(formatInteger(out.version ?? 1)));
      } else {
        out = await api<Instrument>('POST', `/v1/tenants/${TENANT}/instruments?instrumentId=${encodeURIComponent(slug)}`, body);
        navigate(`/instrumen/${lastSegment(out.name)}?baru=1`, true);
      }
    });
  };

  const describedBy = (k: string, hint?: string) => [bad.has(k) ? `err-${k.replace(/\./g, '-')}` : '', hint ?? '']
    .filter(Boolean).join(' ') || undefined;
  const err = (k: string) => <FieldError keys={bad} k={k} id={`err-${k.replace(/\./g, '-')}`} />;
  const invalid = (k: string) => (bad.has(k) ? true : undefined);

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="instrument-form">
      {new URLSearchParams(location.search).get('baru') === '1' && editing && !saved && <Notice>{t.instruments.created}</Notice>}
      <label htmlFor="in-title">{t.instruments.titleField}</label>
      <input id="in-title" value={title} onChange={(e) => setTitle(e.target.value)} required
        aria-invalid={invalid('title')} aria-describedby={describedBy('title')} />
      {err('title')}
      <label htmlFor="in-id">{t.instruments.id}</label>
      <input id="in-id" value={slug} disabled={editing} aria-describedby="in-id-hint"
        aria-invalid={idError ? true : undefined}
        onChange={(e) => { setIdTouched(true); setInstrumentId(e.target.value); }} />
      <p className="hint" id="in-id-hint">{editing ? t.instruments.idFixed : t.instruments.idHint}</p>
      {idError && <p className="field-error">{t.instruments.idInvalid}</p>}
      <label htmlFor="in-desc">{t.instruments.description}</label>
      <textarea id="in-desc" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      <label htmlFor="in-kind">{t.instruments.kind}</label>
      <select id="in-kind" value={kind} disabled={editing} onChange={(e) => changeKind(e.target.value)}
        aria-describedby={describedBy('kind', editing ? 'in-kind-hint' : undefined)}>
        {KINDS.map((k) => <option key={k} value={k}>{t.instruments.kinds[k]}</option>)}
      </select>
      {editing && <p className="hint" id="in-kind-hint">{t.instruments.kindFixed}</p>}
      {err('kind')}
      {kind === 'REACTION' && (
        <label className="choice">
          <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} />
          {t.instruments.anonymous}
        </label>
      )}
      {err('anonymous')}
      {kind === 'POSTTEST' && (
        <>
          <label htmlFor="in-pretest">{t.instruments.pretest}</label>
          <select id="in-pretest" value={pretest} onChange={(e) => setPretest(e.target.value)}
            aria-invalid={invalid('pretest')} aria-describedby={describedBy('pretest')}>
            <option value="">{t.instruments.choosePretest}</option>
            {pretests.map((p) => <option key={p.name} value={p.name}>{p.title ?? lastSegment(p.name)}</option>)}
          </select>
          {err('pretest')}
        </>
      )}
      {isTest(kind) && <p className="hint">{t.instruments.testNote}</p>}
      {editing && <p className="hint">{t.instruments.versionNote}</p>}
      <h2 className="form-heading">{t.instruments.items}</h2>
      {err('items')}
      {items.map((it, i) => (
        <ItemFields key={i} i={i} n={items.length} it={it} kind={kind} bad={bad} err={err} invalid={invalid}
          describedBy={describedBy} set={(p) => setItem(i, p)} move={(by) => move(i, by)}
          remove={() => setItems((list) => list.filter((_, j) => j !== i))} />
      ))}
      <button type="button" className="secondary" onClick={() => setItems((list) => [...list, newItem(kind, list.length + 1)])}>
        {t.instruments.addItem}
      </button>
      {saved && <Notice>{saved}</Notice>}
      {error != null && <ErrorBox error={error} />}
      <button type="submit" disabled={busy || !title.trim() || items.length === 0}>{busy ? t.app.saving : t.app.save}</button>
    </form>
  );
}

function ItemFields(p: {
  i: number; n: number; it: ItemDraft; kind: string; bad: Set<string>;
  err: (k: string) => ReactNode; invalid: (k: string) => true | undefined;
  describedBy: (k: string, hint?: string) => string | undefined;
  set: (patch: Partial<ItemDraft>) => void; move: (by: number) => void; remove: () => void;
}) {
  const { i, it, kind, set } = p;
  const id = (f: string) => `it-${i}-${f}`;
  const k = (f: string) => `items.${i}.${f}`;
  const label = t.instruments.itemN(i + 1);
  const types = isTest(kind) ? TEST_TYPES : kind === 'SKM' ? ['LIKERT'] : TYPES;
  const setChoice = (j: number, text: string) => set({ choices: it.choices.map((c, x) => (x === j ? { ...c, text } : c)) });
  const toggleCorrect = (j: number) => set({
    correctIdx: it.type === 'SINGLE_CHOICE' ? [j]
      : it.correctIdx.includes(j) ? it.correctIdx.filter((x) => x !== j) : [...it.correctIdx, j],
  });
  const removeChoice = (j: number) => set({
    choices: it.choices.filter((_, x) => x !== j),
    correctIdx: it.correctIdx.filter((x) => x !== j).map((x) => (x > j ? x - 1 : x)),
  });
  return (
    <fieldset className="action item" data-testid={`item-${i}`}>
      <legend>{label}</legend>
      <label htmlFor={id('text')}>{t.instruments.itemText}</label>
      <textarea id={id('text')} rows={2} value={it.text} onChange={(e) => set({ text: e.target.value })}
        aria-invalid={p.invalid(k('text'))} aria-describedby={p.describedBy(k('text'))} />
      {p.err(k('text'))}
      <div className="row">
        <div>
          <label htmlFor={id('code')}>{t.instruments.itemCode}</label>
          <input id={id('code')} value={it.code} onChange={(e) => set({ code: e.target.value })}
            aria-invalid={p.invalid(k('code'))} aria-describedby={p.describedBy(k('code'))} />
          {p.err(k('code'))}
        </div>
        <div>
          <label htmlFor={id('type')}>{t.instruments.itemType}</label>
          <select id={id('type')} value={it.type} aria-invalid={p.invalid(k('type'))} aria-describedby={p.describedBy(k('type'))}
            onChange={(e) => set({ type: e.target.value, correct: [], correctIdx: [],
              choices: hasChoices(e.target.value) && it.choices.length === 0 ? newItem('PRETEST', 1).choices : it.choices })}>
            {types.map((ty) => <option key={ty} value={ty}>{t.instruments.types[ty]}</option>)}
          </select>
          {p.err(k('type'))}
        </div>
      </div>
      <label className="choice">
        <input type="checkbox" checked={it.required} onChange={(e) => set({ required: e.target.checked })} />
        {t.instruments.required}
      </label>
      {it.type === 'LIKERT' && (
        <div className="row">
          <div>
            <label htmlFor={id('min')}>{t.instruments.scaleMin}</label>
            <input id={id('min')} type="number" inputMode="numeric" value={it.scaleMin} onChange={(e) => set({ scaleMin: e.target.value })}
              aria-invalid={p.invalid(k('scale_min'))} />
            {p.err(k('scale_min'))}
          </div>
          <div>
            <label htmlFor={id('max')}>{t.instruments.scaleMax}</label>
            <input id={id('max')} type="number" inputMode="numeric" value={it.scaleMax} onChange={(e) => set({ scaleMax: e.target.value })}
              aria-invalid={p.invalid(k('scale_max'))} aria-describedby={p.describedBy(k('scale_max'))} />
            {p.err(k('scale_max'))}
          </div>
        </div>
      )}
      {it.type === 'SCORE' && (
        <>
          <label htmlFor={id('maxscore')}>{t.instruments.maxScore}</label>
          <input id={id('maxscore')} type="number" inputMode="numeric" value={it.maxScore} onChange={(e) => set({ maxScore: e.target.value })}
            aria-invalid={p.invalid(k('max_score'))} aria-describedby={p.describedBy(k('max_score'))} />
          {p.err(k('max_score'))}
        </>
      )}
      {kind === 'REACTION' && (
        <>
          <label htmlFor={id('dim')}>{t.instruments.dimension}</label>
          <select id={id('dim')} value={it.dimension} onChange={(e) => set({ dimension: e.target.value })}
            aria-invalid={p.invalid(k('dimension'))} aria-describedby={p.describedBy(k('dimension'))}>
            <option value="">{t.instruments.noDimension}</option>
            {DIMENSIONS.map((d) => <option key={d} value={d}>{t.report.dimensions[d.toLowerCase()]}</option>)}
          </select>
          {p.err(k('dimension'))}
        </>
      )}
      {kind !== 'REACTION' && kind !== 'SKM' && (
        <>
          <label htmlFor={id('comp')}>{t.instruments.competency}</label>
          <input id={id('comp')} value={it.competency} onChange={(e) => set({ competency: e.target.value })} />
        </>
      )}
      {hasChoices(it.type) && (
        <fieldset className="choices" aria-describedby={p.describedBy(k('choices'))}>
          <legend>{t.instruments.choices}</legend>
          {it.choices.map((c, j) => (
            <div className="choice-row" key={j}>
              <label htmlFor={id(`ch-${j}`)} className="sr-only">{t.instruments.choiceN(j + 1)}</label>
              <input id={id(`ch-${j}`)} value={c.text} placeholder={t.instruments.choiceN(j + 1)}
                onChange={(e) => setChoice(j, e.target.value)} />
              {isTest(kind) && (
                <label className="choice">
                  <input type={it.type === 'SINGLE_CHOICE' ? 'radio' : 'checkbox'} name={id('key')}
                    checked={it.correctIdx.includes(j)} onChange={() => toggleCorrect(j)} />
                  {t.instruments.correct}<span className="sr-only"> ({t.instruments.choiceN(j + 1)})</span>
                </label>
              )}
              {!c.fixed && (
                <button type="button" className="secondary small"
                  onClick={() => removeChoice(j)}>
                  {t.instruments.removeChoice(j + 1)}
                </button>
              )}
            </div>
          ))}
          <button type="button" className="secondary small"
            onClick={() => set({ choices: [...it.choices, { code: '', fixed: false, text: '' }] })}>
            {t.instruments.addChoice}
          </button>
          {p.err(k('choices'))}
        </fieldset>
      )}
      {isTest(kind) && it.type === 'YES_NO' && (
        <>
          <label htmlFor={id('yn')}>{t.instruments.correctAnswer}</label>
          <select id={id('yn')} value={it.correct[0] ?? ''} onChange={(e) => set({ correct: e.target.value ? [e.target.value] : [] })}>
            <option value="">{t.instruments.chooseCorrect}</option>
            <option value="ya">{t.answer.yes}</option>
            <option value="tidak">{t.answer.no}</option>
          </select>
        </>
      )}
      {isTest(kind) && it.type !== 'FREE_TEXT' && (
        <>
          <label htmlFor={id('points')}>{t.instruments.points}</label>
          <input id={id('points')} type="number" inputMode="numeric" min={1} max={1000} value={it.points}
            onChange={(e) => set({ points: e.target.value })} aria-invalid={p.invalid(k('key'))} aria-describedby={p.describedBy(k('key'))} />
          {p.err(k('key'))}
        </>
      )}
      <div className="actions">
        {i > 0 && <button type="button" className="secondary small" onClick={() => p.move(-1)}>{t.instruments.up(i + 1)}</button>}
        {i < p.n - 1 && <button type="button" className="secondary small" onClick={() => p.move(1)}>{t.instruments.down(i + 1)}</button>}
        <button type="button" className="secondary small" onClick={p.remove}>{t.instruments.removeItem(i + 1)}</button>
      </div>
    </fieldset>
  );
}
