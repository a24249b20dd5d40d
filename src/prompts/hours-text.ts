import type { Language } from '../../flows/vocabulary';
import type { PromptCatalogue } from './prompt-catalogue';
import { describeBusinessHours, type BusinessHours } from '../hours/business-hours';

const SEPARATOR: Record<Language, string> = { 'zh-CN': '；', 'en-US': '; ' };

/** "周一至周五09:00至21:00；周六至周日10:00至18:00", worded by the prompt catalogue. */
export function hoursText(catalogue: PromptCatalogue, language: Language, hours: BusinessHours): string {
  return describeBusinessHours(hours)
    .map((span) => {
      const vars = {
        first: catalogue.render(language, `hours.day.${span.firstDay}`),
        last: catalogue.render(language, `hours.day.${span.lastDay}`),
        opens: span.opens,
        closes: span.closes,
      };
      return catalogue.render(language, span.firstDay === span.lastDay ? 'hours.oneDay' : 'hours.span', vars);
    })
    .join(SEPARATOR[language]);
}
