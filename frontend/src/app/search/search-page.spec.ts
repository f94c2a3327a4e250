import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { MessageSearchQuery, SearchHit, SearchPage as Page } from '@chat/contracts';
import { flushPromises, message } from '../../testing/fixtures';
import { SearchApi } from './search-api';
import { SearchPage } from './search-page';

const hit = (seq: number, body: string, roomName = 'general'): SearchHit => ({
  message: message(seq, { body, roomId: 'room-1' }),
  roomId: 'room-1',
  roomName,
});

describe('SearchPage', () => {
  function setup(pages: Page[]) {
    const search = jest.fn<Promise<Page>, [MessageSearchQuery]>();
    for (const p of pages) search.mockResolvedValueOnce(p);
    TestBed.configureTestingModule({ providers: [provideRouter([]), { provide: SearchApi, useValue: { search } }] });
    const fixture = TestBed.createComponent(SearchPage);
    const el = fixture.nativeElement as HTMLElement;
    const settle = async () => {
      await flushPromises();
      await fixture.whenStable();
    };
    return { fixture, el, search, settle };
  }

  it('lists each hit with its room, sender, time and the matching words marked, as a link to the message', async () => {
    const { fixture, el, search, settle } = setup([
      { items: [hit(7, 'Deployed <b>tonight</b>, redeploy later', 'ops')], nextCursor: null },
    ]);
    fixture.componentRef.setInput('q', ' deploy ');
    await settle();
    expect(search).toHaveBeenCalledWith({ q: 'deploy', roomId: undefined, before: undefined });

    const link = el.querySelector<HTMLAnchorElement>('a.search-hit');
    expect(link?.getAttribute('href')).toBe('/rooms/room-1?at=7');
    expect(link?.querySelector('.search-hit__room')?.textContent?.trim()).toBe('ops');
    expect(link?.querySelector('.search-hit__sender')?.textContent?.trim()).toBe('Alice');
    expect(link?.querySelector('time')?.getAttribute('datetime')).toBe(message(7).createdAt);
    // Bodies are text: the markup shows as typed, and only the start of "Deployed" is marked.
    expect(link?.querySelector('.search-hit__body b')).toBeNull();
    expect(link?.querySelector('.search-hit__body')?.textContent).toContain('<b>tonight</b>');
    expect(Array.from(link?.querySelectorAll('mark') ?? []).map((m) => m.textContent)).toEqual(['Deploy']);
    expect(link?.querySelector('.search-hit__body')?.textContent?.trim()).toBe('Deployed <b>tonight</b>, redeploy later');
    expect(el.querySelector('[role="status"]')?.textContent).toContain('1 message matches “deploy”.');
  });

  it('pages with the cursor, and starts over when the query changes', async () => {
    const { fixture, el, search, settle } = setup([
      { items: [hit(9, 'alpha nine')], nextCursor: 'c1' },
      { items: [hit(3, 'alpha three')], nextCursor: null },
      { items: [], nextCursor: null },
    ]);
    fixture.componentRef.setInput('q', 'alpha');
    await settle();
    const more = () => Array.from(el.querySelectorAll('button')).find((b) => b.textContent?.includes('More results'));
    more()?.click();
    await settle();
    expect(search).toHaveBeenLastCalledWith({ q: 'alpha', roomId: undefined, before: 'c1' });
    expect(Array.from(el.querySelectorAll('.search-hit__body')).map((b) => b.textContent?.trim())).toEqual(['alpha nine', 'alpha three']);
    expect(more()).toBeUndefined();

    fixture.componentRef.setInput('q', 'zebra');
    fixture.componentRef.setInput('roomId', 'room-1');
    await settle();
    expect(search).toHaveBeenLastCalledWith({ q: 'zebra', roomId: 'room-1', before: undefined });
    expect(el.querySelectorAll('.search-hit')).toHaveLength(0);
    expect(el.querySelector('[role="status"]')?.textContent).toContain('No messages match “zebra”.');
  });

  it('asks for words without searching when there is no query', async () => {
    const { el, search, settle } = setup([]);
    await settle();
    expect(search).not.toHaveBeenCalled();
    expect(el.querySelector('[role="status"]')?.textContent).toContain('Type words to look for');
  });
});
