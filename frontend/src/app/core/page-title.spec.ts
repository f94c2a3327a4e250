import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import { PageTitle } from './page-title';

describe('PageTitle', () => {
  it('puts the unread count in front of whatever title is set, and takes it away at 0', () => {
    TestBed.configureTestingModule({ providers: [{ provide: Title, useExisting: PageTitle }] });
    const title = TestBed.inject(Title);
    const page = TestBed.inject(PageTitle);
    title.setTitle('general · Chat');
    expect(document.title).toBe('general · Chat');
    page.setUnread(3);
    expect(document.title).toBe('(3) general · Chat');
    // A new page's title keeps the count; reading it back gives the title without it.
    title.setTitle('random · Chat');
    expect(document.title).toBe('(3) random · Chat');
    expect(title.getTitle()).toBe('random · Chat');
    page.setUnread(0);
    expect(document.title).toBe('random · Chat');
  });
});
