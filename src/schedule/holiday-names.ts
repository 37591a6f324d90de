import type { HolidayName } from '../core/schedule/schedule-model.js';

/** "National Day" → "national-day": the plan key of a named exception. */
export function holidaySlug(englishName: string): string {
  return englishName
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function named(name: string, nameZh: string): HolidayName {
  return { slug: holidaySlug(name), name, nameZh };
}

/** The statutory holidays, with the English names chinese-days uses (its JSON: "English,中文,n"). */
export const STATUTORY_HOLIDAYS: readonly HolidayName[] = [
  named("New Year's Day", '元旦'),
  named('Spring Festival', '春节'),
  named('Tomb-sweeping Day', '清明'),
  named('Labour Day', '劳动节'),
  named('Dragon Boat Festival', '端午'),
  named('Mid-autumn Festival', '中秋'),
  named('National Day', '国庆节'),
];

/** Other ways a State Council notice or a person writes the same holiday. */
const ALIASES: Record<string, string> = {
  春节假期: 'spring-festival',
  清明节: 'tomb-sweeping-day',
  五一: 'labour-day',
  国际劳动节: 'labour-day',
  端午节: 'dragon-boat-festival',
  中秋节: 'mid-autumn-festival',
  国庆: 'national-day',
  'new-year': 'new-years-day',
  'new years day': 'new-years-day',
  'labor day': 'labour-day',
  'qingming festival': 'tomb-sweeping-day',
  'mid-autumn': 'mid-autumn-festival',
};

/** A holiday named by its English name, Chinese name, slug or a common alias; undefined if unknown. */
export function findHoliday(text: string): HolidayName | undefined {
  const t = text.trim();
  const lower = t.toLowerCase();
  const aliased = ALIASES[t] ?? ALIASES[lower];
  return STATUTORY_HOLIDAYS.find(
    (h) => h.slug === aliased || h.slug === lower || h.slug === holidaySlug(t) || h.nameZh === t || h.name.toLowerCase() === lower,
  );
}

/** chinese-days' "English,中文,n": known holidays keep their canonical names; others (e.g. 2015's one-off) keep theirs. */
export function holidayFromChineseDays(value: string): HolidayName {
  const [name = value, nameZh = ''] = value.split(',');
  return findHoliday(name) ?? { slug: holidaySlug(name), name, nameZh };
}
