// The knowledge base in the SPA: what the console asks for as the operator types, excerpts,
// the matched words marked (as text segments: nothing typed ever becomes markup), and the
// bodies of the service centre's writes.
import type { Schemas } from '@/api/client'

export type Article = Schemas['Article']
export type KnowledgeItem = Schemas['KnowledgeItem']
export type ArticleVersion = Schemas['ArticleVersion']
export type Category = Schemas['Category']

/** The longest search the API takes (API.md: search terms 1–50 characters). */
export const QUERY_MAX = 50
/** Fewer characters than this ask nothing (one character finds too much to help). */
export const QUERY_MIN = 2
export const CATEGORIES: Category[] = ['policy', 'labor', 'land', 'financing', 'talent', 'technology', 'project', 'approval', 'other']

/** What to search for while the operator types: the title if they gave one, else the start
 * of the content, spaces collapsed, at most 50 characters; null when too short to ask. */
export function suggestionQuery(content: string, title = ''): string | null {
  const source = title.trim() || content
  const q = source.replace(/\s+/g, ' ').trim().slice(0, QUERY_MAX).trim()
  return Array.from(q).length >= QUERY_MIN ? q : null
}

/** The first ``max`` characters of a text on one line, with an ellipsis when cut. */
export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  const chars = Array.from(flat)
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : flat
}

export interface Segment {
  text: string
  mark: boolean
}

/** ``text`` cut into segments, those equal to one of ``words`` (case-insensitive, the
 * longest first) marked: a template renders them as text inside ``<mark>`` or not. */
export function highlight(text: string, words: readonly string[]): Segment[] {
  const wanted = [...new Set(words.filter((w) => w.length > 0))].sort((a, b) => b.length - a.length)
  if (!wanted.length) return [{ text, mark: false }]
  const lower = text.toLowerCase()
  const out: Segment[] = []
  let plain = ''
  let i = 0
  while (i < text.length) {
    const hit = wanted.find((w) => lower.startsWith(w.toLowerCase(), i))
    if (hit) {
      if (plain) out.push({ text: plain, mark: false })
      plain = ''
      out.push({ text: text.slice(i, i + hit.length), mark: true })
      i += hit.length
    } else {
      plain += text[i]
      i += 1
    }
  }
  if (plain) out.push({ text: plain, mark: false })
  return out
}

export interface ArticleForm {
  title: string
  question: string
  answer: string
  category: Category | ''
  keywords: string[]
  policy_id: string
  valid_until: string
}

export function articleFormOf(a: Article | null): ArticleForm {
  return {
    title: a?.title ?? '',
    question: a?.question ?? '',
    answer: a?.answer ?? '',
    category: a?.category ?? '',
    keywords: [...(a?.keywords ?? [])],
    policy_id: a?.policy_id ?? '',
    valid_until: a?.valid_until ?? '',
  }
}

/** What the form cannot send: each required field empty. */
export function articleErrors(form: ArticleForm, required: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const field of ['title', 'question', 'answer', 'category'] as const) {
    if (!String(form[field]).trim()) out[field] = required
  }
  return out
}

export function createArticleBody(form: ArticleForm, status: 'draft' | 'published'): Schemas['ArticleCreate'] {
  return {
    title: form.title.trim(),
    question: form.question,
    answer: form.answer,
    category: form.category as Category,
    keywords: form.keywords,
    ...(form.policy_id.trim() ? { policy_id: form.policy_id.trim() } : {}),
    ...(form.valid_until ? { valid_until: form.valid_until } : {}),
    status,
  }
}

/** Only what changed, under the version read (a cleared policy or date is sent as null). */
export function patchArticleBody(
  a: Article,
  form: ArticleForm,
  status?: 'draft' | 'published',
): Schemas['ArticlePatch'] {
  const body: Schemas['ArticlePatch'] = { version: a.version }
  if (form.title.trim() !== a.title) body.title = form.title.trim()
  if (form.question !== a.question) body.question = form.question
  if (form.answer !== a.answer) body.answer = form.answer
  if (form.category && form.category !== a.category) body.category = form.category
  if (form.keywords.join('\u0000') !== a.keywords.join('\u0000')) body.keywords = form.keywords
  const policy = form.policy_id.trim() || null
  if (policy !== (a.policy_id ?? null)) body.policy_id = policy
  const until = form.valid_until || null
  if (until !== (a.valid_until ?? null)) body.valid_until = until
  if (status && status !== a.status) body.status = status
  return body
}
