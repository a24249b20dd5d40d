import type { Language } from '../config';

/**
 * Numbers, money and times as a person says them on the phone, so the speech engine never reads
 * "128.50" or an ISO timestamp. Wallet times are shown in the hotline's (China) time zone.
 */
const TIME_ZONE = 'Asia/Shanghai';
const CHINESE_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 12850 fen → "128元5角" / "128 yuan 50"; 5 fen → "5分" / "0 yuan 05". */
export function spokenAmount(fen: number, language: Language): string {
  const yuan = Math.floor(fen / 100);
  const cents = fen % 100;
  if (language === 'en-US') return cents === 0 ? `${yuan} yuan` : `${yuan} yuan ${String(cents).padStart(2, '0')}`;
  const jiao = Math.floor(cents / 10);
  const fenPart = cents % 10;
  let text = yuan > 0 || cents === 0 ? `${yuan}元` : '';
  if (jiao > 0) text += `${jiao}角`;
  else if (fenPart > 0 && yuan > 0) text += '零';
  if (fenPart > 0) text += `${fenPart}分`;
  return text;
}

function parts(iso: string): Record<'month' | 'day' | 'hour' | 'minute', number> {
  const formatted = new Intl.DateTimeFormat('en-US', {
    timeZone: TIME_ZONE,
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const value = (type: Intl.DateTimeFormatPartTypes) => Number(formatted.find((part) => part.type === type)?.value);
  return { month: value('month'), day: value('day'), hour: value('hour'), minute: value('minute') };
}

const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "11月20日 14点30分" / "November 20 at 2:30 PM". */
export function spokenTime(iso: string, language: Language): string {
  const { month, day, hour, minute } = parts(iso);
  if (language === 'en-US') {
    const suffix = hour < 12 ? 'AM' : 'PM';
    const hour12 = hour % 12 === 0 ? 12 : hour % 12;
    return `${EN_MONTHS[month - 1]} ${day} at ${hour12}:${String(minute).padStart(2, '0')} ${suffix}`;
  }
  return `${month}月${day}日 ${hour}点${minute === 0 ? '整' : `${minute}分`}`;
}

/** A calendar date (YYYY-MM-DD, no time zone involved): "11月29日" / "November 29". */
export function spokenDate(date: string, language: Language): string {
  const [, month, day] = date.split('-').map(Number) as [number, number, number];
  return language === 'en-US' ? `${EN_MONTHS[month - 1]} ${day}` : `${month}月${day}日`;
}

/** Digit by digit, so "10000001" is not read as ten million and one. */
export function spokenDigits(digits: string, language: Language): string {
  const chars = Array.from(digits.replace(/\D/g, ''));
  return language === 'en-US' ? chars.join(' ') : chars.map((digit) => CHINESE_DIGITS[Number(digit)]).join('');
}
