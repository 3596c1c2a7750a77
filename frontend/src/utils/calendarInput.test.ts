import { describe, expect, it } from 'vitest'

import {
  beijingIso,
  beijingWallClock,
  decodeText,
  formatDateList,
  monthWeeks,
  parseCsv,
  parseDate,
  parseDateList,
  parseDateToken,
  weekdayOf,
} from './calendarInput'

describe('parseDate', () => {
  it.each([
    ['2027-01-01', '2027-01-01'],
    ['2027-1-1', '2027-01-01'],
    ['2027/10/8', '2027-10-08'],
    ['2027.10.08', '2027-10-08'],
    ['20271008', '2027-10-08'],
    ['2027年1月1日', '2027-01-01'],
    ['2027年10月8号', '2027-10-08'],
    ['2027年10月8', '2027-10-08'],
    ['２０２７－０１－０１', '2027-01-01'], // full-width
    [' 2028-02-29 ', '2028-02-29'],
  ])('reads %s', (raw, want) => {
    expect(parseDate(raw)).toBe(want)
  })

  it.each(['2027-02-29', '2027-13-01', '2027-00-10', '2027-04-31', '27-01-01', '2027-01', '元旦', '', '2027-01-01x'])(
    'refuses %s',
    (raw) => {
      expect(parseDate(raw)).toBeNull()
    },
  )
})

describe('parseDateToken', () => {
  it('expands a range, the end with or without its year and month', () => {
    expect(parseDateToken('2027-10-01~2027-10-03')).toEqual(['2027-10-01', '2027-10-02', '2027-10-03'])
    expect(parseDateToken('2027-09-30~10-02')).toEqual(['2027-09-30', '2027-10-01', '2027-10-02'])
    expect(parseDateToken('2027年10月1日~3日')).toEqual(['2027-10-01', '2027-10-02', '2027-10-03'])
    expect(parseDateToken('2027-12-31~2028-01-01')).toEqual(['2027-12-31', '2028-01-01'])
  })

  it('says why a token is not a date or range', () => {
    expect(parseDateToken('2027-10-08~2027-10-01')).toBe('range') // backwards
    expect(parseDateToken('2027-01-01~2027-03-01')).toBe('range') // too long
    expect(parseDateToken('2027-10-01~x~y')).toBe('range')
    expect(parseDateToken('2027-10-01~2027-10-32')).toBe('date')
    expect(parseDateToken('1.1')).toBe('date')
  })
})

describe('parseDateList', () => {
  it('reads one a line, commas (also full-width), 、, semicolons and spaces; sorted and unique', () => {
    const list = parseDateList('2027-01-03\n2027-01-01, 2027/1/2;2027年1月4日 2027-01-05、2027-01-06,2027-01-01\n\n')
    expect(list.dates).toEqual(['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04', '2027-01-05', '2027-01-06'])
    expect(list.problems).toEqual([])
    expect(list.duplicates).toBe(1)
    expect(list.names).toEqual({})
  })

  it('names the dates of a line with its words, ranges included', () => {
    const list = parseDateList('2027-10-01 ~ 2027-10-07 国庆\n2027-09-15 中秋\n2027年1月1日至3日 元旦\n2027-02-20')
    expect(list.dates).toHaveLength(12)
    expect(list.names['2027-10-04']).toBe('国庆')
    expect(list.names['2027-09-15']).toBe('中秋')
    expect(list.names['2027-01-03']).toBe('元旦')
    expect(list.names['2027-02-20']).toBeUndefined()
    expect(parseDateList('2027-10-01 National Day').names).toEqual({ '2027-10-01': 'National Day' })
  })

  it('ignores bracketed notes, comments and blank lines', () => {
    const list = parseDateList('# 2027 年\n2027-01-01(周五) 元旦\n2027-02-20【周六】\n   \n')
    expect(list.dates).toEqual(['2027-01-01', '2027-02-20'])
    expect(list.names).toEqual({ '2027-01-01': '元旦' })
    expect(list.problems).toEqual([])
  })

  it('reports each line it cannot read, with its number, and keeps the others', () => {
    const list = parseDateList(
      '2027-01-01\n2027-02-30\n国庆\n2027-10-08~2027-10-01\n2027-05-01 一个非常非常非常非常非常非常非常长的名字啊\n2027-05-02',
    )
    expect(list.dates).toEqual(['2027-01-01', '2027-05-02'])
    expect(list.problems).toEqual([
      { line: 2, text: '2027-02-30', reason: 'date' },
      { line: 3, text: '国庆', reason: 'noDate' },
      { line: 4, text: '2027-10-08~2027-10-01', reason: 'range' },
      { line: 5, text: '2027-05-01 一个非常非常非常非常非常非常非常长的名字啊', reason: 'name' },
    ])
  })

  it('reads nothing from nothing', () => {
    expect(parseDateList('')).toEqual({ dates: [], names: {}, problems: [], duplicates: 0 })
  })
})

describe('parseCsv', () => {
  it('reads date,kind[,name] rows after an optional header, in any date spelling', () => {
    const csv = parseCsv(
      '\uFEFF日期,类型,名称\r\n2027-01-01,放假,元旦\r\n2027/2/5,放假,春节\r\n2027-02-06,holiday,春节\r\n' +
        '2027年2月20日,上班\r\n2027-02-21,Workday,春节调休\r\n"2027-10-01~2027-10-03",休,"国庆"\r\n',
    )
    expect(csv.rows).toBe(6)
    expect(csv.problems).toEqual([])
    expect(csv.holidays).toEqual(['2027-01-01', '2027-02-05', '2027-02-06', '2027-10-01', '2027-10-02', '2027-10-03'])
    expect(csv.workdays).toEqual(['2027-02-20', '2027-02-21'])
    expect(csv.names).toEqual({
      '2027-01-01': '元旦',
      '2027-02-05': '春节',
      '2027-02-06': '春节',
      '2027-10-01': '国庆',
      '2027-10-02': '国庆',
      '2027-10-03': '国庆',
    })
  })

  it('takes no header, semicolons, tabs and full-width commas', () => {
    const csv = parseCsv('2027-01-01;放假\n2027-01-02\t放假\t元旦\n2027-02-20,上班\n2027-01-03,放假')
    expect(csv.holidays).toEqual(['2027-01-01', '2027-01-02', '2027-01-03'])
    expect(csv.workdays).toEqual(['2027-02-20'])
    expect(csv.names).toEqual({ '2027-01-02': '元旦' })
  })

  it('reports rows with a bad date, kind or name', () => {
    const csv = parseCsv('date,kind,name\n2027-02-30,放假\n2027-03-01,休假吧\n2027-05-01,放假,一个非常非常非常非常非常非常非常长的名字啊\nkind,放假')
    expect(csv.rows).toBe(4)
    expect(csv.holidays).toEqual([])
    expect(csv.problems.map((p) => [p.line, p.reason])).toEqual([
      [2, 'date'],
      [3, 'kind'],
      [4, 'name'],
      [5, 'date'],
    ])
  })

  it('keeps quotes and commas inside quoted fields', () => {
    const csv = parseCsv('2027-01-01,放假,"元旦, ""新年"""')
    expect(csv.names['2027-01-01']).toBe('元旦, "新年"')
  })
})

describe('decodeText', () => {
  it('reads UTF-8, with a BOM too', () => {
    const bytes = new TextEncoder().encode('\uFEFF2027-01-01,放假')
    expect(decodeText(bytes.buffer as ArrayBuffer).replace(/^\uFEFF/, '')).toBe('2027-01-01,放假')
  })

  it('falls back to GB18030 (Excel in China)', () => {
    // "2027-01-01,放假" in GBK
    const bytes = new Uint8Array([...new TextEncoder().encode('2027-01-01,'), 0xb7, 0xc5, 0xbc, 0xd9])
    expect(decodeText(bytes.buffer)).toBe('2027-01-01,放假')
  })
})

describe('formatDateList', () => {
  it('writes runs of days with the same name as ranges, and reads back the same', () => {
    const dates = ['2027-10-03', '2027-10-01', '2027-10-02', '2027-09-15', '2027-10-05', '2027-01-01']
    const names = { '2027-10-01': '国庆', '2027-10-02': '国庆', '2027-10-03': '国庆', '2027-09-15': '中秋' }
    const text = formatDateList(dates, names)
    expect(text).toBe('2027-01-01\n2027-09-15 中秋\n2027-10-01~2027-10-03 国庆\n2027-10-05')
    const back = parseDateList(text)
    expect(back.dates).toEqual([...dates].sort())
    expect(back.names).toEqual(names)
  })

  it('breaks a run where the name changes', () => {
    expect(formatDateList(['2027-09-30', '2027-10-01'], { '2027-09-30': '中秋', '2027-10-01': '国庆' })).toBe(
      '2027-09-30 中秋\n2027-10-01 国庆',
    )
    expect(formatDateList([])).toBe('')
  })
})

describe('month grids', () => {
  it('knows the weekday', () => {
    expect(weekdayOf('2026-10-01')).toBe(3) // Thursday
    expect(weekdayOf('2027-02-21')).toBe(6) // Sunday
  })

  it('lays a month out Monday first', () => {
    const weeks = monthWeeks(2026, 10)
    expect(weeks[0]).toEqual([null, null, null, '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04'])
    expect(weeks.flat().filter(Boolean)).toHaveLength(31)
    expect(weeks.every((w) => w.length === 7)).toBe(true)
    expect(monthWeeks(2027, 2)[0][0]).toBe('2027-02-01') // a Monday
    expect(monthWeeks(2028, 2).flat().filter(Boolean)).toHaveLength(29)
  })
})

describe('Beijing time', () => {
  it('reads the wall clock in Beijing whatever the zone', () => {
    expect(beijingWallClock(new Date('2026-12-31T16:30:00Z'))).toEqual({ date: '2027-01-01', time: '00:30' })
  })

  it('writes ISO 8601 with +08:00', () => {
    expect(beijingIso('2026-09-23', '16:05')).toBe('2026-09-23T16:05:00+08:00')
    expect(beijingIso('2026-09-23', '16:05:09')).toBe('2026-09-23T16:05:09+08:00')
    expect(beijingIso('2026-02-30', '16:05')).toBeNull()
    expect(beijingIso('2026-09-23', '24:00')).toBeNull()
    expect(beijingIso('', '')).toBeNull()
  })
})
